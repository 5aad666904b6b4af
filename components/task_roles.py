"""The two IAM roles of the app tasks, kept apart and least-privilege.

* The **execution role** is what the ECS agent uses *before* the app runs: pull the image, write
  logs, read exactly the secrets it injects (and decrypt them with the stack CMK).
* The **task role** is what the app's code gets: its buckets' objects, sending mail, search.

A compromised container therefore cannot read secrets it was not given, nor pull other images.
Policies are built by plain functions (testable without Pulumi) from resolved ARNs.
:class:`ImageOnlyTaskRoles` is the pair for a container that needs AWS only to start (the reader
frontend): pull its one image, write its one log group, and a task role without any permission.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.app_env import secret_arn
from components.iam_policy import Statement, allow
from components.iam_policy import document as _document


def assume_role_policy(account_id: str, region: str) -> str:
    """Only ECS tasks of this account and region may assume the role (confused-deputy guard)."""
    return _document(
        [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:{region}:{account_id}:*"},
                },
            }
        ]
    )


def execution_policy(repository_arn: str, log_group_arns: Sequence[str], secret_refs: Sequence[str], secret_key_arns: Sequence[str]) -> str:
    """Image pull from one repository, log writes to the app's groups, its secrets only.

    ``ecr:GetAuthorizationToken`` is the one statement on ``*``: AWS defines no resource for it
    (the token is per registry, and the pull actions below are scoped to the repository).
    ``secret_key_arns`` are the CMKs the injected secrets are encrypted with (always this region's:
    the secondary's database login is a replica encrypted with its own key).
    """
    statements: list[Statement] = [
        allow("EcrToken", ["ecr:GetAuthorizationToken"], "*"),
        allow("EcrPull", ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], repository_arn),
        allow("Logs", ["logs:CreateLogStream", "logs:PutLogEvents"], sorted(f"{arn}:log-stream:*" for arn in log_group_arns)),
    ]
    arns = sorted({secret_arn(ref) for ref in secret_refs})
    if arns:
        statements.append(allow("InjectedSecrets", ["secretsmanager:GetSecretValue"], arns))
    keys = sorted(set(secret_key_arns))
    if arns and keys:
        statements.append(allow("DecryptSecrets", ["kms:Decrypt"], keys))
    return _document(statements)


def task_policy(
    bucket_arns: Sequence[str],
    kms_key_arn: str | None,
    region: str,
    ses_identity_arns: Sequence[str],
    from_address: str,
    search_domain_arn: str | None = None,
) -> str:
    """Object access to the app's buckets, SES send from the app's address, HTTP to its search domain."""
    statements: list[Statement] = [
        allow("BucketObjects", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], sorted(f"{arn}/*" for arn in bucket_arns)),
        # django-storages lists keys (collectstatic, exists()).
        allow("BucketList", ["s3:ListBucket"], sorted(bucket_arns)),
        allow("SendMail", ["ses:SendEmail", "ses:SendRawEmail"], sorted(ses_identity_arns), {"StringEquals": {"ses:FromAddress": from_address}}),
    ]
    if kms_key_arn:
        # The buckets are SSE-KMS with the stack CMK: reading and writing objects needs the key, via S3 only.
        via_s3 = {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}}
        statements.append(allow("BucketKey", ["kms:Decrypt", "kms:GenerateDataKey"], kms_key_arn, via_s3))
    if search_domain_arn:
        http = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"]
        statements.append(allow("Search", http, f"{search_domain_arn}/*"))
    return _document(statements)


def ecs_role_pair(
    parent: pulumi.Resource, name: str, region: str, tags: Mapping[str, str], *, execution_description: str, task_description: str
) -> tuple[pulumi.Output[str], aws.iam.Role, aws.iam.Role]:
    """The account id, and an execution and a task role only this account's ECS tasks in ``region`` may assume."""
    account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent)).account_id
    trust = account.apply(lambda acct: assume_role_policy(acct, region))
    child = pulumi.ResourceOptions(parent=parent)
    execution = aws.iam.Role(f"{name}-execution", description=execution_description, assume_role_policy=trust, tags=dict(tags), opts=child)
    task = aws.iam.Role(f"{name}-task", description=task_description, assume_role_policy=trust, tags=dict(tags), opts=child)
    return account, execution, task


@dataclass(frozen=True)
class TaskRolesArgs:
    """Everything the two roles may touch, as ARNs (or the names the ARNs derive from)."""

    region: str
    repository_arn: pulumi.Input[str]
    log_group_names: Sequence[str]
    secret_refs: Sequence[pulumi.Input[str]]
    bucket_arns: Sequence[pulumi.Input[str]]
    ses_region: str
    ses_identities: Sequence[str]
    from_address: str
    bucket_kms_key_arn: pulumi.Input[str] | None = None
    secret_key_arns: Sequence[pulumi.Input[str]] = ()
    search_domain_arn: pulumi.Input[str] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.log_group_names:
            raise ValueError("the execution role needs the log groups it writes to")
        if not self.bucket_arns:
            raise ValueError("the task role needs at least the media bucket")
        if not self.ses_identities or "@" not in self.from_address:
            raise ValueError("SES needs a verified identity and a sender address")


class TaskRoles(pulumi.ComponentResource):
    """Execution role and task role for the app's task definitions (shared by all three roles)."""

    execution_role_arn: pulumi.Output[str]
    task_role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: TaskRolesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:compute:TaskRoles", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        account, execution, task = ecs_role_pair(
            self,
            name,
            args.region,
            args.tags,
            execution_description="ECS agent for Coko tasks: image pull, logs, injected secrets",
            task_description="Coko application code: its buckets, SES send, its search domain",
        )
        n_keys = len(args.secret_key_arns)
        execution_doc = pulumi.Output.all(account, args.repository_arn, *args.secret_key_arns, *args.secret_refs).apply(
            lambda v: execution_policy(
                v[1],
                [f"arn:aws:logs:{args.region}:{v[0]}:log-group:{group}" for group in args.log_group_names],
                v[2 + n_keys :],
                v[2 : 2 + n_keys],
            )
        )
        aws.iam.RolePolicy(f"{name}-execution-policy", role=execution.id, policy=execution_doc, opts=child)
        n_buckets = len(args.bucket_arns)
        task_doc = pulumi.Output.all(
            account, pulumi.Output.from_input(args.bucket_kms_key_arn), pulumi.Output.from_input(args.search_domain_arn), *args.bucket_arns
        ).apply(
            lambda v: task_policy(
                v[3 : 3 + n_buckets],
                v[1],
                args.region,
                [f"arn:aws:ses:{args.ses_region}:{v[0]}:identity/{identity}" for identity in args.ses_identities],
                args.from_address,
                v[2],
            )
        )
        aws.iam.RolePolicy(f"{name}-task-policy", role=task.id, policy=task_doc, opts=child)

        self.execution_role_arn = execution.arn
        self.task_role_arn = task.arn
        self.register_outputs({"executionRoleArn": execution.arn, "taskRoleArn": task.arn})


@dataclass(frozen=True)
class ImageOnlyTaskRolesArgs:
    """The one repository the image comes from and the one log group the container writes."""

    region: str
    repository_arn: pulumi.Input[str]
    log_group_name: str
    tags: Mapping[str, str] = field(default_factory=dict)


class ImageOnlyTaskRoles(pulumi.ComponentResource):
    """Execution role (pull one image, write one log group, no secret) and a task role with no policy.

    ECS still wants a task role distinct from the execution role (the policy pack checks it); this
    one grants nothing, so the container's code holds no AWS permission at all.
    """

    execution_role_arn: pulumi.Output[str]
    task_role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ImageOnlyTaskRolesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:compute:ImageOnlyTaskRoles", name, {}, opts)
        account, execution, task = ecs_role_pair(
            self,
            name,
            args.region,
            args.tags,
            execution_description="ECS agent: pull one image, write one log group",
            task_description="Container code: no AWS permission",
        )
        policy = pulumi.Output.all(account, args.repository_arn).apply(
            lambda v: execution_policy(v[1], [f"arn:aws:logs:{args.region}:{v[0]}:log-group:{args.log_group_name}"], [], [])
        )
        aws.iam.RolePolicy(f"{name}-execution-policy", role=execution.id, policy=policy, opts=pulumi.ResourceOptions(parent=self))
        self.execution_role_arn = execution.arn
        self.task_role_arn = task.arn
        self.register_outputs({"executionRoleArn": execution.arn, "taskRoleArn": task.arn})
