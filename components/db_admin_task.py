"""The database-admin one-off task: the backend's container with the master login, and no service.

The app's ``provision_db_users`` and ``rotate_db_credentials`` commands run as one-off tasks of
this task definition (migrations use the backend's: the app user owns the databases). It is the only place the master password is injected, and
its task role is the only one allowed to write the app's login secret (alternating-users
rotation). ECS cannot add secrets through ``overrides``, hence a task definition of its own
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerOverride.html).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.app_env import secret_arn
from components.ecs_service import AppServiceArgs, logged_task_definition
from components.iam_policy import allow, document
from components.task_roles import ecs_role_pair, execution_policy

ROLE = "dbadmin"


def admin_task_policy(app_secret_arn: str, kms_key_arn: str, region: str) -> str:
    """Read and write the app's login secret (rotation), through Secrets Manager only."""
    via_secrets_manager = {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}}
    return document(
        [
            allow("RotateAppLogin", ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"], app_secret_arn),
            allow("SecretKey", ["kms:Decrypt", "kms:GenerateDataKey"], kms_key_arn, via_secrets_manager),
        ]
    )


class DbAdminTask(pulumi.ComponentResource):
    """``backend`` is the backend service's args; ``secrets`` adds the master login to its secrets."""

    task_definition_arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        backend: AppServiceArgs,
        *,
        family: str,
        log_group_name: str,
        secrets: list[dict[str, pulumi.Input[str]]],
        app_secret_arn: pulumi.Input[str],
        repository_arn: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("coko:compute:DbAdminTask", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = {**backend.tags, "Service": ROLE}
        account, execution, task = ecs_role_pair(
            self,
            name,
            backend.region,
            tags,
            execution_description="ECS agent for the Coko database-admin task",
            task_description="Coko database-admin code: rotate the app's login secret",
        )
        refs = [s["valueFrom"] for s in secrets]
        aws.iam.RolePolicy(
            f"{name}-execution-policy",
            role=execution.id,
            policy=pulumi.Output.all(account, repository_arn, backend.kms_key_arn, *refs).apply(
                lambda v: execution_policy(v[1], [f"arn:aws:logs:{backend.region}:{v[0]}:log-group:{log_group_name}"], v[3:], [v[2]])
            ),
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-task-policy",
            role=task.id,
            policy=pulumi.Output.all(app_secret_arn, backend.kms_key_arn).apply(lambda v: admin_task_policy(secret_arn(v[0]), v[1], backend.region)),
            opts=child,
        )
        args = backend.one_off(
            role=ROLE,
            family=family,
            container_name=ROLE,
            log_group_name=log_group_name,
            secrets=secrets,
            execution_role_arn=execution.arn,
            task_role_arn=task.arn,
            tags=tags,
        )
        _group, definition = logged_task_definition(name, args, tags, parent=self)
        self.task_definition_arn = definition.arn
        self.register_outputs({"taskDefinitionArn": definition.arn})
