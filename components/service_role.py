"""IAM roles that one AWS service assumes on our behalf (backup, replication, monitoring, flow logs)."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws


def service_role(resource_name: str, *, service: str, description: str | None, tags: Mapping[str, str], parent: pulumi.Resource) -> aws.iam.Role:
    """A role only ``service`` (e.g. ``backup.amazonaws.com``) may assume; policies are attached by the caller."""
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
    return aws.iam.Role(resource_name, description=description, assume_role_policy=json.dumps(trust), tags=dict(tags), opts=pulumi.ResourceOptions(parent=parent))
