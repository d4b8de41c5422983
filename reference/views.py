from django.http import HttpRequest, JsonResponse

from reference.models import Region


def region_children(request: HttpRequest) -> JsonResponse:
    parent = request.GET.get("parent", "")
    regions = Region.objects.current().filter(parent_id=parent or None)
    return JsonResponse({"results": [{"code": r.code, "name": r.name} for r in regions]})
