"""Production-grade traffic control: custom shifts, alarm rollback, notifications, HTTPS, NLB with
autoscaling, load balancer options. One behaviour per test, read from scenarios.py."""

from __future__ import annotations

import pytest
from helpers import assert_subset, ref, resource, resources
from scenarios import CERTIFICATE, IMAGE

from ecs_bluegreen import (
    AlarmProps,
    AutoscalingProps,
    BlueGreenServiceProps,
    DeploymentProps,
    HealthCheckProps,
    LoadBalancerProps,
    NotificationProps,
    ServiceProps,
    SettingsError,
    TrafficShiftProps,
)


def _group(doc):
    return resource(doc, "aws_codedeploy_deployment_group", "codedeploy/group")


# --- traffic shifting ------------------------------------------------------------------------------


def test_custom_canary_creates_an_ecs_deployment_config_the_group_uses(synthesized):
    doc = synthesized["canary-alarms"].doc
    config = resource(doc, "aws_codedeploy_deployment_config", "codedeploy/config")
    assert config == {
        **config,
        "deployment_config_name": "web-canary-canary-20pct-10min",
        "compute_platform": "ECS",
        "traffic_routing_config": {"type": "TimeBasedCanary", "time_based_canary": {"interval": 10, "percentage": 20}},
    }
    assert _group(doc)["deployment_config_name"] == ref(
        doc, "aws_codedeploy_deployment_config", "codedeploy/config", "deployment_config_name"
    )


def test_custom_linear_shift(synthesized):
    config = resource(synthesized["linear-requests"].doc, "aws_codedeploy_deployment_config", "codedeploy/config")
    assert config["traffic_routing_config"] == {
        "type": "TimeBasedLinear",
        "time_based_linear": {"interval": 2, "percentage": 25},
    }


def test_no_deployment_config_without_a_custom_shift(synthesized):
    assert resources(synthesized["approval"].doc, "aws_codedeploy_deployment_config") == {}


# --- alarms --------------------------------------------------------------------------------------


def test_alarms_on_both_target_groups_and_the_load_balancer(synthesized):
    doc = synthesized["canary-alarms"].doc
    names = sorted(a["alarm_name"] for a in resources(doc, "aws_cloudwatch_metric_alarm").values())
    assert names == [
        "web-canary-5xx-rate",
        "web-canary-blue-5xx",
        "web-canary-blue-p99-latency",
        "web-canary-blue-unhealthy-hosts",
        "web-canary-green-5xx",
        "web-canary-green-p99-latency",
        "web-canary-green-unhealthy-hosts",
    ]


def test_target_group_5xx_alarm_uses_its_dimensions_and_thresholds(synthesized):
    doc = synthesized["canary-alarms"].doc
    alarm = resource(doc, "aws_cloudwatch_metric_alarm", "alarms/green-5xx")
    assert_subset(
        alarm,
        {
            "namespace": "AWS/ApplicationELB",
            "metric_name": "HTTPCode_Target_5XX_Count",
            "statistic": "Sum",
            "threshold": 5,
            "period": 30,
            "evaluation_periods": 3,
            "treat_missing_data": "notBreaching",
            "comparison_operator": "GreaterThanOrEqualToThreshold",
            "dimensions": {
                "LoadBalancer": ref(doc, "aws_lb", "load-balancer/lb", "arn_suffix"),
                "TargetGroup": ref(doc, "aws_lb_target_group", "load-balancer/green", "arn_suffix"),
            },
        },
    )


def test_p99_latency_alarm_uses_the_extended_statistic(synthesized):
    alarm = resource(synthesized["canary-alarms"].doc, "aws_cloudwatch_metric_alarm", "alarms/blue-p99")
    assert_subset(alarm, {"metric_name": "TargetResponseTime", "extended_statistic": "p99", "threshold": 1.5})
    assert "statistic" not in alarm


def test_5xx_rate_alarm_is_metric_math_over_the_load_balancer(synthesized):
    doc = synthesized["canary-alarms"].doc
    alarm = resource(doc, "aws_cloudwatch_metric_alarm", "alarms/5xx-rate")
    assert alarm["threshold"] == 5
    queries = {q["id"]: q for q in alarm["metric_query"]}
    assert queries["rate"] == {
        "id": "rate",
        "expression": "100 * errors / requests",
        "label": "5xx rate (%)",
        "return_data": True,
    }
    assert queries["errors"]["metric"]["metric_name"] == "HTTPCode_Target_5XX_Count"
    assert queries["requests"]["metric"]["metric_name"] == "RequestCount"
    assert queries["requests"]["metric"]["dimensions"] == {
        "LoadBalancer": ref(doc, "aws_lb", "load-balancer/lb", "arn_suffix")
    }


def test_alarms_are_wired_to_the_group_with_rollback_on_alarm(synthesized):
    group = _group(synthesized["canary-alarms"].doc)
    assert group["alarm_configuration"] == {
        "enabled": True,
        "ignore_poll_alarm_failure": False,
        "alarms": [
            "web-canary-blue-unhealthy-hosts",
            "web-canary-blue-5xx",
            "web-canary-blue-p99-latency",
            "web-canary-green-unhealthy-hosts",
            "web-canary-green-5xx",
            "web-canary-green-p99-latency",
            "web-canary-5xx-rate",
            "web-business-kpi",
        ],
    }
    assert group["auto_rollback_configuration"]["events"] == [
        "DEPLOYMENT_FAILURE",
        "DEPLOYMENT_STOP_ON_REQUEST",
        "DEPLOYMENT_STOP_ON_ALARM",
    ]


def test_no_alarm_when_alarms_are_off(synthesized):
    doc = synthesized["defaults"].doc
    assert resources(doc, "aws_cloudwatch_metric_alarm") == {}
    assert "alarm_configuration" not in _group(doc)
    assert "DEPLOYMENT_STOP_ON_ALARM" not in _group(doc)["auto_rollback_configuration"]["events"]


def test_nlb_gets_only_unhealthy_host_alarms_in_its_namespace(synthesized):
    doc = synthesized["nlb-autoscaling"].doc
    alarms = resources(doc, "aws_cloudwatch_metric_alarm")
    assert sorted(a["alarm_name"] for a in alarms.values()) == [
        "web-nlb-scale-blue-unhealthy-hosts",
        "web-nlb-scale-green-unhealthy-hosts",
    ]
    assert {a["namespace"] for a in alarms.values()} == {"AWS/NetworkELB"}


# --- notifications -------------------------------------------------------------------------------


def test_notifications_create_an_encrypted_topic_as_a_trigger(synthesized):
    doc = synthesized["canary-alarms"].doc
    topic = resource(doc, "aws_sns_topic", "notifications/topic")
    assert_subset(topic, {"name": "web-canary-deployments", "kms_master_key_id": "alias/aws/sns"})
    assert _group(doc)["trigger_configuration"] == [
        {
            "trigger_name": "web-canary-deployments",
            "trigger_target_arn": ref(doc, "aws_sns_topic", "notifications/topic", "arn"),
            "trigger_events": ["DeploymentFailure", "DeploymentStop", "DeploymentRollback", "DeploymentSuccess"],
        }
    ]


def test_notifications_to_an_existing_topic_create_none(synthesized):
    doc = synthesized["linear-requests"].doc
    assert resources(doc, "aws_sns_topic") == {}
    (trigger,) = _group(doc)["trigger_configuration"]
    assert trigger["trigger_target_arn"] == "arn:aws:sns:ap-northeast-1:123456789012:ops"
    assert trigger["trigger_events"] == ["DeploymentStart", "DeploymentReady"]


# --- HTTPS and load balancer options -------------------------------------------------------------


def test_https_production_listener_on_443_with_the_certificate_and_modern_policy(synthesized):
    doc = synthesized["https"].doc
    listener = resource(doc, "aws_lb_listener", "load-balancer/prod-listener")
    assert_subset(
        listener,
        {
            "port": 443,
            "protocol": "HTTPS",
            "certificate_arn": CERTIFICATE,
            "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        },
    )
    assert listener["lifecycle"] == {"ignore_changes": ["default_action"]}
    assert doc["output"]["prod_url"]["value"].startswith("https://") and doc["output"]["prod_url"]["value"].endswith(
        ":443"
    )


def test_port_80_redirects_to_https_and_terraform_keeps_owning_it(synthesized):
    doc = synthesized["https"].doc
    redirect = resource(doc, "aws_lb_listener", "load-balancer/redirect-listener")
    assert_subset(redirect, {"port": 80, "protocol": "HTTP"})
    assert redirect["default_action"] == [
        {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}
    ]
    assert "lifecycle" not in redirect


def test_https_opens_443_and_80_to_the_production_cidrs_only(synthesized):
    doc = synthesized["https"].doc
    ports = sorted(
        (r["from_port"], r.get("cidr_ipv4"))
        for p, r in resources(doc, "aws_vpc_security_group_ingress_rule").items()
        if "/load-balancer/" in p
    )
    assert ports == [(80, "0.0.0.0/0"), (443, "0.0.0.0/0"), (8080, "10.0.0.0/8")]


def test_test_listener_can_serve_https_too(synthesized):
    doc = synthesized["https"].doc
    listener = resource(doc, "aws_lb_listener", "load-balancer/test-listener")
    assert_subset(listener, {"port": 8080, "protocol": "HTTPS", "certificate_arn": CERTIFICATE})
    assert doc["output"]["test_url"]["value"].startswith("https://")


def test_no_redirect_or_tls_without_a_certificate(synthesized):
    doc = synthesized["defaults"].doc
    assert "load-balancer/redirect-listener" not in {p.split("/", 1)[1] for p in resources(doc, "aws_lb_listener")}
    assert "certificate_arn" not in resource(doc, "aws_lb_listener", "load-balancer/prod-listener")


def test_nlb_balances_across_zones(synthesized):
    lb = resource(synthesized["nlb"].doc, "aws_lb", "load-balancer/lb")
    assert lb["enable_cross_zone_load_balancing"] is True


def test_pinned_zones_replace_the_zone_lookup(synthesized):
    doc = synthesized["https-plain-test"].doc
    assert "aws_availability_zones" not in doc.get("data", {})
    zones = [
        resource(doc, "aws_subnet", f"network/{tier}-{i}")["availability_zone"]
        for tier in ("public", "private")
        for i in range(2)
    ]
    assert zones == ["ap-northeast-1a", "ap-northeast-1c"] * 2


def test_certificate_without_redirect_keeps_port_80_closed(synthesized):
    doc = synthesized["https-plain-test"].doc
    assert "redirect-listener" not in str(list(resources(doc, "aws_lb_listener")))
    assert resource(doc, "aws_lb_listener", "load-balancer/test-listener")["protocol"] == "HTTP"


def test_load_balancer_options(synthesized):
    lb = resource(synthesized["https"].doc, "aws_lb", "load-balancer/lb")
    assert_subset(
        lb,
        {
            "enable_deletion_protection": True,
            "idle_timeout": 120,
            "drop_invalid_header_fields": True,
            "access_logs": {"bucket": "web-lb-logs", "enabled": True, "prefix": "web-https"},
        },
    )
    default = resource(synthesized["defaults"].doc, "aws_lb", "load-balancer/lb")
    assert_subset(default, {"enable_deletion_protection": False, "idle_timeout": 60})
    assert "access_logs" not in default


# --- NLB with autoscaling, and request-count scaling ---------------------------------------------


def test_nlb_with_tcp_health_check_and_cpu_autoscaling(synthesized):
    doc = synthesized["nlb-autoscaling"].doc
    tg = resource(doc, "aws_lb_target_group", "load-balancer/blue")
    assert tg["protocol"] == "TCP" and tg["health_check"]["protocol"] == "TCP"
    assert "path" not in tg["health_check"] and "matcher" not in tg["health_check"]
    assert "idle_timeout" not in resource(doc, "aws_lb", "load-balancer/lb")
    assert resource(doc, "aws_appautoscaling_target", "ecs/scaling-target")["max_capacity"] == 4
    assert "desired_count" in resource(doc, "aws_ecs_service", "ecs/service")["lifecycle"]["ignore_changes"]


@pytest.mark.parametrize("color", ["blue", "green"])
def test_request_count_scaling_follows_both_target_groups_and_only_scales_out(synthesized, color):
    doc = synthesized["linear-requests"].doc
    policy = resource(doc, "aws_appautoscaling_policy", f"ecs/scaling-requests-{color}")
    config = policy["target_tracking_scaling_policy_configuration"]
    assert config == {
        "target_value": 500,
        "disable_scale_in": True,
        "predefined_metric_specification": {
            "predefined_metric_type": "ALBRequestCountPerTarget",
            "resource_label": "{}/{}".format(
                ref(doc, "aws_lb", "load-balancer/lb", "arn_suffix"),
                ref(doc, "aws_lb_target_group", f"load-balancer/{color}", "arn_suffix"),
            ),
        },
    }


# --- bad input -----------------------------------------------------------------------------------


def _app(**kwargs):
    kwargs.setdefault("service", ServiceProps(image=IMAGE))
    return BlueGreenServiceProps(name="web", **kwargs)


CASES = {
    "percentage zero": (
        lambda: TrafficShiftProps(type="canary", percentage=0, interval_minutes=5),
        r"traffic_shift\.percentage: invalid value 0\. Use a value from 1 to 99 percent",
    ),
    "percentage 100": (
        lambda: TrafficShiftProps(type="linear", percentage=100, interval_minutes=5),
        r"traffic_shift\.percentage: .*100",
    ),
    "interval zero": (
        lambda: TrafficShiftProps(type="linear", percentage=10, interval_minutes=0),
        r"traffic_shift\.interval_minutes: .*1 to 2880 minutes",
    ),
    "unknown shift": (
        lambda: TrafficShiftProps(type="blue", percentage=10, interval_minutes=1),
        r"traffic_shift\.type: .*one of 'canary', 'linear'",
    ),
    "shift and config": (
        lambda: DeploymentProps(
            traffic_shift=TrafficShiftProps(type="canary", percentage=10, interval_minutes=5),
            deployment_config_name="CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
        ),
        r"deployment\.traffic_shift: .*not both",
    ),
    "nlb with custom shift": (
        lambda: _app(
            load_balancer=LoadBalancerProps(type="network"),
            deployment=DeploymentProps(
                traffic_shift=TrafficShiftProps(type="canary", percentage=10, interval_minutes=5)
            ),
        ),
        r"deployment\.traffic_shift: .*network load balancer",
    ),
    "zero 5xx count": (
        lambda: AlarmProps(http_5xx_count=0),
        r"alarms\.http_5xx_count: invalid value 0\. Use a positive count",
    ),
    "negative unhealthy": (lambda: AlarmProps(unhealthy_hosts=-1), r"alarms\.unhealthy_hosts"),
    "zero rate": (lambda: AlarmProps(http_5xx_rate_percent=0.0), r"alarms\.http_5xx_rate_percent: .*above 0"),
    "rate above 100": (lambda: AlarmProps(http_5xx_rate_percent=150.0), r"alarms\.http_5xx_rate_percent"),
    "zero latency": (lambda: AlarmProps(p99_latency_seconds=0.0), r"alarms\.p99_latency_seconds: .*positive"),
    "odd period": (lambda: AlarmProps(period_seconds=45), r"alarms\.period_seconds: .*10, 30 or a multiple of 60"),
    "alarms twice": (lambda: AlarmProps(existing_alarm_names=("a", "a")), r"existing_alarm_names: .*once"),
    "too many alarms": (
        lambda: _app(
            deployment=DeploymentProps(
                alarms=AlarmProps(p99_latency_seconds=1.0, existing_alarm_names=("a", "b", "c", "d"))
            )
        ),
        r"deployment\.alarms: invalid value 11\. CodeDeploy watches at most 10",
    ),
    "alarms without rollback": (
        lambda: DeploymentProps(alarms=AlarmProps(), auto_rollback=False),
        r"deployment\.auto_rollback: .*Alarms stop a deployment",
    ),
    "unknown event": (
        lambda: NotificationProps(events=("InstanceFailure",)),
        r"notifications\.events\[0\]: .*'InstanceFailure'",
    ),
    "no events": (lambda: NotificationProps(events=()), r"notifications\.events: .*at least one"),
    "topic not sns": (
        lambda: NotificationProps(topic_arn="arn:aws:sqs:ap-northeast-1:123456789012:q"),
        r"notifications\.topic_arn",
    ),
    "certificate not acm": (
        lambda: LoadBalancerProps(certificate_arn="arn:aws:iam::123456789012:server-certificate/x"),
        r"load_balancer\.certificate_arn: .*existing acm certificate",
    ),
    "certificate garbage": (lambda: LoadBalancerProps(certificate_arn="my-cert"), r"certificate_arn: .*'my-cert'"),
    "https test without certificate": (
        lambda: LoadBalancerProps(test_listener_https=True),
        r"test_listener_https: .*set certificate_arn",
    ),
    "bad tls policy": (
        lambda: LoadBalancerProps(certificate_arn=CERTIFICATE, ssl_policy="TLS1.3"),
        r"load_balancer\.ssl_policy: .*'TLS1\.3'",
    ),
    "redirect clash": (
        lambda: LoadBalancerProps(certificate_arn=CERTIFICATE, test_port=80),
        r"load_balancer\.redirect_http: .*Port 80 redirects",
    ),
    "nlb with certificate": (
        lambda: LoadBalancerProps(type="network", certificate_arn=CERTIFICATE),
        r"load_balancer\.certificate_arn: .*application load balancer only",
    ),
    "nlb idle timeout": (
        lambda: LoadBalancerProps(type="network", idle_timeout_seconds=300),
        r"load_balancer\.idle_timeout_seconds: .*application load balancer only",
    ),
    "alb tcp health check": (
        lambda: LoadBalancerProps(health_check=HealthCheckProps(protocol="TCP")),
        r"health_check\.protocol: .*'TCP'.*use 'HTTP'",
    ),
    "idle timeout range": (lambda: LoadBalancerProps(idle_timeout_seconds=0), r"idle_timeout_seconds: .*1 to 4000"),
    "log bucket": (lambda: LoadBalancerProps(access_logs_bucket="Logs"), r"access_logs_bucket: .*'Logs'"),
    "log prefix": (
        lambda: LoadBalancerProps(access_logs_bucket="logs", access_logs_prefix="/lb/"),
        r"access_logs_prefix: .*leading or trailing",
    ),
    "autoscaling min above max": (
        lambda: AutoscalingProps(min_capacity=8, max_capacity=4),
        r"autoscaling\.min_capacity: .*max_capacity \(4\)",
    ),
    "requests per target zero": (lambda: AutoscalingProps(requests_per_target=0), r"requests_per_target: .*1 to"),
    "nlb request scaling": (
        lambda: _app(
            load_balancer=LoadBalancerProps(type="network"),
            service=ServiceProps(image=IMAGE, autoscaling=AutoscalingProps(requests_per_target=100)),
        ),
        r"service\.autoscaling\.requests_per_target: .*CPU only",
    ),
}


@pytest.mark.parametrize("build,pattern", CASES.values(), ids=CASES.keys())
def test_bad_traffic_setting_raises_a_clear_error(build, pattern):
    with pytest.raises(SettingsError, match=pattern):
        build()
