"""The built-in AfterAllowTestTraffic hook: requests TEST_URL + TEST_PATH through the test listener,
which now serves the new task set, and says whether it answered 2xx or 3xx. "Failed" stops the
deployment before production traffic moves, and rollback returns to the old task set.

Either engine runs it. CodeDeploy invokes it with a DeploymentId and waits for the result through
PutLifecycleEventHookExecutionStatus; ECS (POST_TEST_TRAFFIC_SHIFT) reads the `hookStatus` it returns.

It runs in AWS Lambda (Python 3.12), with only the standard library and the boto3 Lambda ships.
It checks that the new tasks answer, not the certificate: the test listener is reached by the load
balancer's DNS name, which a certificate for your domain does not name.
"""

from __future__ import annotations

import os
import ssl
import time
import urllib.error
import urllib.request

ATTEMPTS = 3
PAUSE_SECONDS = 5


def _codedeploy():
    import boto3

    return boto3.client("codedeploy")


def check(url: str, *, attempts: int = ATTEMPTS, pause: float = PAUSE_SECONDS) -> tuple[bool, str]:
    """Whether `url` answers 2xx or 3xx within `attempts` tries, and what it answered last."""
    context = ssl._create_unverified_context()  # the load balancer's name, not your domain's
    seen = ""
    for attempt in range(attempts):
        if attempt:
            time.sleep(pause)
        try:
            with urllib.request.urlopen(url, timeout=10, context=context) as response:
                seen = f"HTTP {response.status}"
                if 200 <= response.status < 400:
                    return True, seen
        except urllib.error.HTTPError as err:
            seen = f"HTTP {err.code}"
        except (urllib.error.URLError, OSError) as err:
            seen = f"no answer ({getattr(err, 'reason', err)})"
    return False, seen


def handler(event, context):
    url = os.environ["TEST_URL"].rstrip("/") + os.environ.get("TEST_PATH", "/")
    passed, seen = check(url, attempts=ATTEMPTS, pause=PAUSE_SECONDS)
    status = "Succeeded" if passed else "Failed"
    print(f"{url}: {seen}: {status}")
    if "DeploymentId" not in event:  # ECS-native: the answer is the result
        return {"hookStatus": "SUCCEEDED" if passed else "FAILED", "answer": seen}
    _codedeploy().put_lifecycle_event_hook_execution_status(
        deploymentId=event["DeploymentId"],
        lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
        status=status,
    )
    return {"status": status, "answer": seen}
