import re

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from reference.selectors import region_children

# Divisions change a few times a year; a day keeps cheap phones from asking
# twice while a family fills in the form, and the loader's changes still land.
CHILDREN_MAX_AGE = 24 * 3600
_CODE = re.compile(r"[0-9]{6}")


@require_GET
def region_children_json(request: HttpRequest) -> JsonResponse:
    """Current divisions under ?parent=CODE (the provinces without one), for the region picker."""
    parent = request.GET.get("parent", "").strip() or None
    lang = request.GET.get("lang", "")
    explicit = lang in {code for code, _name in settings.LANGUAGES}
    # An explicit ?lang= makes the URL alone decide the response, so caches
    # need not vary on the language cookie.
    language = lang if explicit else translation.get_language()
    with translation.override(language):
        regions = region_children(parent) if parent is None or _CODE.fullmatch(parent) else []
        results = [{"code": r.code, "name": r.name, "level": r.level} for r in regions]
    response = JsonResponse({"parent": parent, "results": results})
    patch_cache_control(response, public=True, max_age=CHILDREN_MAX_AGE)
    if not explicit:
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response
