"""Registry and image: an ECR repository per image per region, and the images `pulumi up` builds and
pushes (the app's, and the reader frontend's from app/web).

The image is referenced downstream by its digest (``repo_digest``), never by tag: a task
definition changes -- and ECS redeploys -- only when the pushed bytes changed, and a tag moved
by hand can never change what runs.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pulumi_docker as docker

PLATFORMS = ("linux/amd64", "linux/arm64")


@dataclass(frozen=True)
class AppImageArgs:
    """Where ECR lives and what to build. ``context`` is relative to the Pulumi project directory."""

    repository_name: str
    tag: str
    platform: str
    context: str = "."
    dockerfile: str = "app/Dockerfile"
    kms_key_arn: pulumi.Input[str] | None = None
    keep_images: int = 30
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.platform not in PLATFORMS:
            raise ValueError(f"image platform {self.platform!r} is not one Fargate runs ({', '.join(PLATFORMS)})")
        if not self.tag or self.tag == "latest":
            raise ValueError("the image needs an explicit, unique tag (tags are immutable; 'latest' would be pushed once)")
        if self.keep_images < 1:
            raise ValueError("the lifecycle policy must keep at least one image")


def lifecycle_policy(keep: int) -> str:
    """Expire everything beyond the ``keep`` most recent images (rollback reach = ``keep`` releases)."""
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": f"Keep the last {keep} images",
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep},
                    "action": {"type": "expire"},
                }
            ]
        }
    )


class AppImage(pulumi.ComponentResource):
    """ECR repository (scan on push, immutable tags, lifecycle, KMS) and the pushed app image.

    Immutable tags mean a pushed release can never be overwritten: the tag in the release history
    always names the same bytes. The push uses a short-lived ECR authorization token, so no
    Docker credentials are stored in config.
    """

    repository_url: pulumi.Output[str]
    repository_arn: pulumi.Output[str]
    image_ref: pulumi.Output[str]
    image_name: pulumi.Output[str]

    def __init__(self, name: str, args: AppImageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:registry:AppImage", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        encryption = (
            aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=args.kms_key_arn)
            if args.kms_key_arn is not None
            else aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="AES256")
        )
        repo = aws.ecr.Repository(
            f"{name}-repo",
            name=args.repository_name,
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
            encryption_configurations=[encryption],
            force_delete=False,
            tags=dict(args.tags),
            opts=child,
        )
        aws.ecr.LifecyclePolicy(f"{name}-lifecycle", repository=repo.name, policy=lifecycle_policy(args.keep_images), opts=child)

        token = aws.ecr.get_authorization_token_output(registry_id=repo.registry_id, opts=pulumi.InvokeOutputOptions(parent=self))
        image = docker.Image(
            f"{name}-image",
            image_name=pulumi.Output.concat(repo.repository_url, ":", args.tag),
            build=docker.DockerBuildArgs(context=args.context, dockerfile=args.dockerfile, platform=args.platform),
            registry=docker.RegistryArgs(
                server=repo.repository_url.apply(lambda url: url.split("/")[0]),
                username=token.user_name,
                password=pulumi.Output.secret(token.password),
            ),
            opts=child,
        )
        self.repository_url = repo.repository_url
        self.repository_arn = repo.arn
        self.image_name = image.image_name
        # `<repo>@sha256:<digest>`: what task definitions run.
        self.image_ref = image.repo_digest
        self.register_outputs({"repositoryUrl": repo.repository_url, "repositoryArn": repo.arn, "imageName": image.image_name, "imageRef": image.repo_digest})


# What the image build reads (context: the repository root, app/Dockerfile): the app and the locked
# dependencies it installs. A change to any of them must change the tag (ECR tags are immutable).
# app/web is outside that build (.dockerignore): editing the frontend does not dirty the app's tag.
BUILD_INPUTS: tuple[str, ...] = ("app", ":(exclude)app/web", "pyproject.toml", "uv.lock")
# The reader frontend's image (context: app/web, app/web/Dockerfile, its own package-lock.json).
WEB_BUILD_INPUTS: tuple[str, ...] = ("app/web",)


def git_image_tag(root: Path, paths: Sequence[str] = BUILD_INPUTS) -> str:
    """The commit SHA (12 hex), plus a content hash when the build inputs have uncommitted changes.

    Tags are immutable, so re-pushing ``<sha>`` after editing app/ (or the lock) without committing
    would be refused by ECR; the ``-dirty-<hash>`` suffix gives each working-tree state its own tag.
    Raises ``RuntimeError`` when git is unavailable (the caller turns it into advice).
    """

    def git(*argv: str) -> bytes:
        return subprocess.run(["git", *argv], cwd=root, capture_output=True, check=True, timeout=30).stdout

    try:
        sha = git("rev-parse", "--short=12", "HEAD").decode().strip()
        status = git("status", "--porcelain", "--", *paths)
        if not status.strip():
            return sha
        content = hashlib.sha256(git("diff", "HEAD", "--", *paths))
        for untracked in sorted(git("ls-files", "--others", "--exclude-standard", "--", *paths).decode().splitlines()):
            path = root / untracked
            content.update(untracked.encode())
            if path.is_file():
                content.update(path.read_bytes())
        return f"{sha}-dirty-{content.hexdigest()[:8]}"
    except (OSError, subprocess.SubprocessError) as exc:
        raise RuntimeError(f"cannot read the git commit of {root}: {exc}") from exc
