"""Stack output names: what one stack exports and another stack (or the CLI) reads.

The primary exports every name in :data:`PRIMARY_FOR_SECONDARY`; the secondary reads them
through its StackReference. Keeping them here means a rename breaks loudly on both sides.
"""

from __future__ import annotations

REGION = "region"
ROLE = "role"
VPC_CIDR = "vpcCidr"
KMS_KEY_ARN = "kmsKeyArn"
DATABASE_ARN = "databaseArn"
DATABASE_IDENTIFIER = "databaseIdentifier"
MEDIA_BUCKET_NAME = "mediaBucketName"
MEDIA_BUCKET_ARN = "mediaBucketArn"
CLUSTER_NAME = "clusterName"
SERVICE_NAMES = "serviceNames"
TASK_DEFINITION_ARNS = "taskDefinitionArns"
SECRET_ARNS = "secretArns"
DATABASE_CREDENTIALS_SECRET_ARN = "databaseCredentialsSecretArn"
DATABASE_MASTER_SECRET_ARN = "databaseMasterSecretArn"
CDN_DISTRIBUTION_ARN = "cdnDistributionArn"

# What the secondary stack reads from the primary's outputs (Pulumi backend, never an API of
# the primary's region): the replica's source, the credentials secret (whose replica ARN is the
# same with the region swapped), and the distribution allowed to read the secondary's buckets.
PRIMARY_FOR_SECONDARY: tuple[str, ...] = (REGION, VPC_CIDR, DATABASE_ARN, DATABASE_CREDENTIALS_SECRET_ARN, DATABASE_MASTER_SECRET_ARN, CDN_DISTRIBUTION_ARN)
