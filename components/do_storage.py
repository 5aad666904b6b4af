"""Spaces buckets for static and media files, the static bucket behind the Spaces CDN, and the app's Spaces key.

Buckets are private (no anonymous listing). Objects are private by default and the CDN reads the
bucket anonymously, so it serves only objects whose ACL is public-read
(https://docs.digitalocean.com/products/spaces/how-to/set-file-permissions/): the app uploads its
static files public-read (STATIC_OBJECT_ACL) and links them on the static CDN endpoint; media stay
private and the app links them with presigned URLs on the media bucket's own endpoint, which the
CDN would not cache anyway (https://docs.digitalocean.com/products/spaces/how-to/manage-cdn-cache/),
so only the static bucket has a CDN endpoint. Object ACLs rather than a
public-read bucket policy on the static bucket: a bucket policy cannot be set on a bucket that a
limited-access key reaches (https://docs.digitalocean.com/products/spaces/how-to/configure-bucket-policies/).
The key is limited to the two buckets (Spaces per-bucket access keys).
https://docs.digitalocean.com/products/spaces/how-to/enable-cdn/
https://docs.digitalocean.com/products/spaces/how-to/manage-access/
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_digitalocean as do

BUCKETS = ("static", "media")
#: The object ACL the app uploads its static files with (the CDN serves public-read objects only).
STATIC_OBJECT_ACL = "public-read"


@dataclass(frozen=True)
class SpacesArgs:
    """Bucket names are global across Spaces: derive them from the stack prefix."""

    prefix: str
    region: str
    cors_origins: Sequence[str]
    noncurrent_version_expiration_days: int
    abort_incomplete_multipart_days: int
    cdn_ttl_seconds: int
    cdn_custom_domain: str | None = None

    def __post_init__(self) -> None:
        if not self.cors_origins:
            raise ValueError("CORS needs at least one origin (the site that loads the files)")


class SpacesStorage(pulumi.ComponentResource):
    """Two private, versioned buckets with CORS and lifecycle; a CDN endpoint each; one scoped key."""

    bucket_names: dict[str, pulumi.Output[str]]
    bucket_urns: list[pulumi.Output[str]]
    static_cdn_endpoint: pulumi.Output[str]
    endpoint: str
    access_key: pulumi.Output[str]
    secret_key: pulumi.Output[str]

    def __init__(self, name: str, args: SpacesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:do:SpacesStorage", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        certificate = None
        if args.cdn_custom_domain:
            # Let's Encrypt through DigitalOcean DNS: the domain's zone must be managed there.
            certificate = do.Certificate(f"{name}-cdn-cert", name=f"{args.prefix}-cdn", type="lets_encrypt", domains=[args.cdn_custom_domain], opts=child)
        buckets: dict[str, do.SpacesBucket] = {}
        for kind in BUCKETS:
            bucket = do.SpacesBucket(
                f"{name}-{kind}",
                name=f"{args.prefix}-{kind}",
                region=args.region,
                acl="private",
                versioning={"enabled": True},
                lifecycle_rules=[
                    {
                        "id": "expire-old-versions",
                        "enabled": True,
                        "abort_incomplete_multipart_upload_days": args.abort_incomplete_multipart_days,
                        "noncurrent_version_expiration": {"days": args.noncurrent_version_expiration_days},
                    }
                ],
                force_destroy=False,
                opts=child,
            )
            do.SpacesBucketCorsConfiguration(
                f"{name}-{kind}-cors",
                bucket=bucket.name,
                region=args.region,
                cors_rules=[
                    {"allowed_methods": ["GET", "HEAD"], "allowed_origins": list(args.cors_origins), "allowed_headers": ["*"], "max_age_seconds": 3600}
                ],
                opts=child,
            )
            buckets[kind] = bucket
        cdn = do.Cdn(
            f"{name}-static-cdn",
            origin=buckets["static"].bucket_domain_name,
            ttl=args.cdn_ttl_seconds,
            custom_domain=args.cdn_custom_domain if certificate is not None else None,
            certificate_name=certificate.name if certificate is not None else None,
            opts=child,
        )
        key = do.SpacesKey(
            f"{name}-key", name=f"{args.prefix}-app", grants=[{"bucket": b.name, "permission": "readwrite"} for b in buckets.values()], opts=child
        )
        self.bucket_names = {kind: b.name for kind, b in buckets.items()}
        self.bucket_urns = [b.bucket_urn for b in buckets.values()]
        # The app links static files here (the custom domain when one is given); media are linked
        # with presigned URLs on the media bucket's own endpoint.
        self.static_cdn_endpoint = pulumi.Output.from_input(args.cdn_custom_domain) if args.cdn_custom_domain else cdn.endpoint
        self.endpoint = f"https://{args.region}.digitaloceanspaces.com"
        self.access_key = pulumi.Output.secret(key.access_key)
        self.secret_key = pulumi.Output.secret(key.secret_key)
        self.register_outputs({"buckets": self.bucket_names, "staticCdnEndpoint": self.static_cdn_endpoint})
