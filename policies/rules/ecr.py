"""ECR: the image that every service runs; immutable, scanned, encrypted."""

from __future__ import annotations

from ..framework import Resource, Spec, as_list, register, rule, unknown
from ._util import enabled
from .resource_types import ECR_REPOSITORY

SETTINGS = (
    Spec("COKO-ECR-002", [ECR_REPOSITORY], enabled("imageScanningConfiguration.scanOnPush"),
         "Images are scanned on push", "medium",
         "checkov CKV_AWS_163",
         "Set image_scanning_configuration.scan_on_push=True."),
)
register(__name__, SETTINGS)


@rule("COKO-ECR-001", [ECR_REPOSITORY], severity="high",
      anchor="checkov CKV_AWS_51",
      remediation='Set image_tag_mutability="IMMUTABLE" (tags are git SHAs; deploys pin the digest).')
def immutable(r: Resource) -> list[str]:
    """Image tags are immutable"""
    value = r.get("imageTagMutability")
    return [] if unknown(value) or (isinstance(value, str) and value.startswith("IMMUTABLE")) else [f"imageTagMutability is {value!r}"]


@rule("COKO-ECR-003", [ECR_REPOSITORY], severity="low", enforcement="advisory",
      anchor="checkov CKV_AWS_136",
      remediation='Set encryption_configurations=[{encryption_type: "KMS", kms_key: <stack key>}].')
def kms(r: Resource) -> list[str]:
    """The repository is encrypted with KMS"""
    configs = r.get("encryptionConfigurations")
    if unknown(configs):
        return []
    return [] if any(isinstance(c, dict) and c.get("encryptionType") == "KMS" for c in as_list(configs)) else ["encryptionType is not KMS"]
