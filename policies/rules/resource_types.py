"""Resource type tokens that more than one rule module names: one spelling each.

Tokens are the engine's (``aws:<module>/<resource>:<Class>``). Where pulumi-aws keeps an alias
module (``alb`` for ``lb``, ``bucketV2`` for ``bucket``), the tuple holds both, so a rule applies
whichever spelling a program uses; the singular names the spelling Coko's components create
(what the tests build).
"""

from __future__ import annotations

CERTIFICATE = "aws:acm/certificate:Certificate"
CERTIFICATE_VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
BACKUP_VAULT = "aws:backup/vault:Vault"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
RESPONSE_HEADERS_POLICY = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
ECR_REPOSITORY = "aws:ecr/repository:Repository"
ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
IAM_POLICY = "aws:iam/policy:Policy"
IAM_ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
KMS_KEY = "aws:kms/key:Key"
OPENSEARCH_DOMAIN = "aws:opensearch/domain:Domain"
RDS_INSTANCE = "aws:rds/instance:Instance"
SECRET_RESOURCE = "aws:secretsmanager/secret:Secret"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
WEB_ACL_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"

BUCKET = "aws:s3/bucket:Bucket"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
BUCKETS = (BUCKET, "aws:s3/bucketV2:BucketV2")
LOAD_BALANCERS = (LOAD_BALANCER, "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = (LISTENER, "aws:alb/listener:Listener")
TARGET_GROUPS = (TARGET_GROUP, "aws:alb/targetGroup:TargetGroup")
