"""ecs base URL and path, as moto's ecs/urls.py, served by the extended responses."""

from .responses import EcsDeploymentsResponse

url_bases = [r"https?://ecs\.(.+)\.amazonaws\.com"]

url_paths = {"{0}/$": EcsDeploymentsResponse.dispatch}
