"""ECR and the app image: secure registry defaults, the build `pulumi up` runs, tags and digests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pulumi
import pytest

from coko_cli.offline.runner import StackPreview
from components.registry import AppImageArgs, git_image_tag
from stacks.compute import image_tag
from stacks.config_source import load_stack_file
from tests.components.compute_helpers import ROLES, container
from tests.conftest import STACKS, of_type, one

REPO = "aws:ecr/repository:Repository"
IMAGE = "docker:index/image:Image"
# The app image's resources (coko-<stack>-app-*); the web's are coko-<stack>-web-image-* (test_web_service.py).
APP = "-app-"


def test_repository_scans_on_push_keeps_tags_immutable_and_uses_the_stack_key(preview: StackPreview) -> None:
    repo = one(preview, REPO, APP)
    assert repo.inputs["name"] == f"coko/{preview.stack}"
    assert repo.inputs["imageTagMutability"] == "IMMUTABLE"
    assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo.inputs["encryptionConfigurations"] == [{"encryptionType": "KMS", "kmsKey": preview.outputs["kmsKeyArn"]}]
    assert repo.inputs["tags"]["Project"] == "coko" and repo.inputs["tags"]["Stack"] == preview.stack
    assert repo.region == load_stack_file(preview.stack).region


def test_lifecycle_policy_keeps_the_last_30_images(preview: StackPreview) -> None:
    policy = one(preview, "aws:ecr/lifecyclePolicy:LifecyclePolicy", APP)
    assert policy.inputs["repository"] == one(preview, REPO, APP).outputs["name"]
    (rule,) = json.loads(policy.inputs["policy"])["rules"]
    assert rule["selection"] == {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30}
    assert rule["action"] == {"type": "expire"}


@pytest.mark.parametrize("mode", ["preview", "up"])
@pytest.mark.parametrize("stack", STACKS)
def test_up_builds_app_from_the_repo_root_for_the_configured_platform(previews: dict[str, dict[str, StackPreview]], mode: str, stack: str) -> None:
    image = one(previews[mode][stack], IMAGE, APP)
    assert image.inputs["build"] == {"context": ".", "dockerfile": "app/Dockerfile", "platform": load_stack_file(stack).image.platform}
    assert image.inputs.get("skipPush") is not True
    assert image.inputs["registry"]["password"] in ("[secret]", "[unknown]"), "the ECR token must stay a Pulumi secret"


def test_image_is_pushed_to_the_stack_repository_with_ecr_credentials(preview: StackPreview) -> None:
    repo_url = one(preview, REPO, APP).outputs["repositoryUrl"]
    image = one(preview, IMAGE, APP)
    assert image.inputs["imageName"].startswith(f"{repo_url}:")
    assert image.inputs["registry"]["server"] == repo_url.split("/")[0]
    assert image.inputs["registry"]["username"] == "AWS"


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("role", ROLES)
def test_task_definitions_run_the_pushed_digest_not_a_tag(up: dict[str, StackPreview], stack: str, role: str) -> None:
    preview = up[stack]
    digest = one(preview, IMAGE, APP).outputs["repoDigest"]
    image = container(preview, role)["image"]
    assert "@sha256:" in image and image == digest
    assert image.startswith(one(preview, REPO, APP).outputs["repositoryUrl"] + "@")


def test_build_inputs_and_files_the_image_needs_exist() -> None:
    root = Path(__file__).resolve().parents[2]
    assert (root / "app" / "Dockerfile").is_file()
    ignore = (root / ".dockerignore").read_text()
    assert "!app/" in ignore, "the repo-root context must not ship .venv and the rest of the tree"


def _git(repo: Path, *argv: str) -> None:
    subprocess.run(["git", *argv], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "init")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "x.py").write_text("a = 1\n")
    _git(tmp_path, "add", "app")
    _git(tmp_path, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "app")
    return tmp_path


def test_image_tag_is_the_commit_when_app_is_clean(repo: Path) -> None:
    sha = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
    assert git_image_tag(repo) == sha
    (repo / "README").write_text("outside app/ does not change the image\n")
    assert git_image_tag(repo) == sha


def test_uncommitted_app_changes_get_their_own_tag_because_tags_are_immutable(repo: Path) -> None:
    clean = git_image_tag(repo)
    (repo / "app" / "x.py").write_text("a = 2\n")
    first = git_image_tag(repo)
    (repo / "app" / "x.py").write_text("a = 3\n")
    second = git_image_tag(repo)
    assert first.startswith(f"{clean}-dirty-") and second.startswith(f"{clean}-dirty-") and first != second
    (repo / "app" / "new.py").write_text("b = 1\n")
    assert git_image_tag(repo) != second, "an untracked file in app/ changes the image too"


@pytest.mark.parametrize("build_input", ["pyproject.toml", "uv.lock"])
def test_the_locked_dependencies_are_part_of_the_tag(repo: Path, build_input: str) -> None:
    """The Dockerfile installs the locked dependencies: changing them changes the image."""
    clean = git_image_tag(repo)
    (repo / build_input).write_text("changed\n")
    assert git_image_tag(repo).startswith(f"{clean}-dirty-")


def test_outside_git_the_error_says_how_to_pin_a_tag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(RuntimeError, match="cannot read the git commit"):
        git_image_tag(tmp_path)
    monkeypatch.setattr("stacks.compute.PROJECT_ROOT", tmp_path)
    with pytest.raises(pulumi.RunError, match=r"coko:image\.tag"):
        image_tag(load_stack_file("production"))


def test_a_pinned_tag_wins_over_git() -> None:
    cfg = load_stack_file("production")
    pinned = cfg.model_copy(update={"image": cfg.image.model_copy(update={"tag": "v1.2.3"})})
    assert image_tag(pinned) == "v1.2.3"


@pytest.mark.parametrize("tag", ["", "latest"])
def test_image_args_refuse_a_moving_tag(tag: str) -> None:
    with pytest.raises(ValueError, match="explicit, unique tag"):
        AppImageArgs(repository_name="coko/x", tag=tag, platform="linux/amd64")


def test_two_images_per_stack_each_in_its_own_repository(up: dict[str, StackPreview]) -> None:
    """The app's and the reader frontend's, nothing else."""
    for preview in up.values():
        stack = preview.stack
        assert sorted(r.inputs["name"] for r in of_type(preview, REPO)) == [f"coko/{stack}", f"coko/{stack}-web"]
        assert len(of_type(preview, IMAGE)) == 2
