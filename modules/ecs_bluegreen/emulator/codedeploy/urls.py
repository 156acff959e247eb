"""codedeploy base URL and path, as moto's codedeploy/urls.py, served by the extended responses."""

from .responses import CodeDeployEcsResponse

url_bases = [
    r"https?://codedeploy\.(.+)\.amazonaws\.com",
]

url_paths = {
    "{0}/$": CodeDeployEcsResponse.dispatch,
    "{0}/list-tags-for-resource$": CodeDeployEcsResponse.list_tags_for_resource,
    "{0}/tag-resource$": CodeDeployEcsResponse.tag_resource,
    "{0}/untag-resource$": CodeDeployEcsResponse.untag_resource,
}
