"""DigitalOcean Container Registry and the app image `pulumi up` builds and pushes into it.

As on AWS (components/registry.py), App Platform runs the image by **digest**, so a deployment
changes only when the pushed bytes changed. The push authenticates with short-lived, write-scoped
registry credentials that DigitalOcean issues (no token is copied into Docker config).
https://docs.digitalocean.com/products/container-registry/how-to/use-registry-docker-kubernetes/
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, cast

import pulumi
import pulumi_digitalocean as do
import pulumi_docker as docker

REGISTRY_SERVER = "registry.digitalocean.com"


@dataclass(frozen=True)
class DoImageArgs:
    registry_name: str
    registry_tier: str
    registry_region: str
    repository: str
    tag: str
    context: str = "."
    dockerfile: str = "app/Dockerfile"
    platform: str = "linux/amd64"  # App Platform runs amd64 images only

    def __post_init__(self) -> None:
        if not self.tag or self.tag == "latest":
            raise ValueError("the image needs an explicit, unique tag (the git SHA), not 'latest'")
        if self.platform != "linux/amd64":
            raise ValueError("App Platform runs linux/amd64 images only")


def registry_login(docker_config_json: str) -> tuple[str, str]:
    """(username, password) for registry.digitalocean.com from the Docker config DigitalOcean returns."""
    auths = json.loads(docker_config_json).get("auths", {})
    entry = auths.get(REGISTRY_SERVER)
    if not entry or "auth" not in entry:
        raise ValueError(f"the registry credentials have no entry for {REGISTRY_SERVER}")
    user, _, password = base64.b64decode(entry["auth"]).decode().partition(":")
    return user, password


class DoAppImage(pulumi.ComponentResource):
    """The account's registry (one per account), and the app image pushed to ``<registry>/<repository>``."""

    repository: str
    digest: pulumi.Output[str]
    image_name: pulumi.Output[str]

    def __init__(self, name: str, args: DoImageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:do:AppImage", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        registry = do.ContainerRegistry(
            f"{name}-registry", name=args.registry_name, subscription_tier_slug=args.registry_tier, region=args.registry_region, opts=child
        )
        credentials = do.ContainerRegistryDockerCredentials(
            f"{name}-push-credentials", registry_name=registry.name, write=True, expiry_seconds=3600, opts=child
        )
        login = pulumi.Output.secret(cast(Any, credentials.docker_credentials)).apply(registry_login)
        image = docker.Image(
            f"{name}-image",
            image_name=pulumi.Output.concat(registry.endpoint, "/", args.repository, ":", args.tag),
            build=docker.DockerBuildArgs(context=args.context, dockerfile=args.dockerfile, platform=args.platform),
            registry=docker.RegistryArgs(
                server=registry.server_url,
                username=login.apply(lambda pair: pair[0]),
                password=pulumi.Output.secret(cast(Any, login.apply(lambda pair: pair[1]))),
            ),
            opts=child,
        )
        self.repository = args.repository
        self.image_name = image.image_name
        # App Platform's image spec takes the digest alone (sha256:...), not repo@digest.
        self.digest = image.repo_digest.apply(lambda ref: ref.split("@", 1)[1] if ref and "@" in ref else ref)
        self.register_outputs({"imageName": image.image_name, "digest": self.digest})
