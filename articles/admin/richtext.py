"""The one place that knows the admin's rich-text editor is CKEditor 4 (through django-ckeditor).

Models store plain HTML in a TextField and templates render the sanitized HTML, so replacing
CKEditor means changing this module (and `INSTALLED_APPS`) only. Here live:

- the editor's configuration for Arabic news copy: Arabic interface, right-to-left content, a
  short toolbar with only the plugins behind it, left-to-right and right-to-left paragraph
  buttons, photos that fit the editing area, and a content filter (CKEditor's ACF) derived
  from `articles/sanitize.py`'s allow-list, so the editor never produces markup the server
  would strip (no fonts, colours or alignment);
- the image upload endpoint the editor posts to: staff only, every file checked by
  `articles/images.py` first, answered in CKEditor's own formats with an Arabic message.
"""

import json

from ckeditor.widgets import CKEditorWidget
from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace, csp_update
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt

from articles import images, sanitize

# Attributes without which the editor drops an element (the sanitizer drops an image or an
# embed without its source too; a link without an address is only a word).
REQUIRED_ATTRIBUTES = {"a": {"href"}, "img": {"src"}, "iframe": {"src"}}


def _allowed_content_rules() -> str:
    """articles/sanitize.py's allow-list in CKEditor's "allowed content rules" syntax, one rule
    per tag: the dialogs hide every option these rules do not allow (table borders, image
    alignment, link targets...), the bidi buttons only work where `dir` is kept, and pasted
    content (Word, Google Docs, other sites) is filtered to it before it is even saved.
    Derived, not copied, so the editor and the sanitizer cannot drift apart."""
    everywhere = sanitize.ALLOWED_ATTRIBUTES.get("*", set())
    rules = []
    for tag in sorted(sanitize.ALLOWED_TAGS):
        required = REQUIRED_ATTRIBUTES.get(tag, set())
        attributes = sorted(sanitize.ALLOWED_ATTRIBUTES.get(tag, set()) | everywhere)
        rule = tag
        if attributes:
            rule += "[" + ",".join(f"!{a}" if a in required else a for a in attributes) + "]"
        if classes := sanitize.ALLOWED_CLASSES.get(tag):
            rule += "(" + ",".join(sorted(classes)) + ")"
        rules.append(rule)
    return "; ".join(rules)


ALLOWED_CONTENT = _allowed_content_rules()
# Never inline styles (the sanitizer keeps no `style`), whatever a plugin would like to write.
DISALLOWED_CONTENT = "*{*}"

# The toolbar, and exactly the plugins behind it (their own dependencies load with them):
# nothing else of the full build is started, so no button, menu item or dialog offers markup
# the sanitizer would strip.
TOOLBAR = [
    ["Format", "Bold", "Italic"],
    ["NumberedList", "BulletedList", "Blockquote"],
    ["BidiRtl", "BidiLtr"],
    ["Link", "Unlink"],
    ["Image", "Table", "Iframe"],
    ["PasteFromWord", "PasteText", "RemoveFormat"],
    ["Undo", "Redo"],
    ["Source", "Maximize"],
]
PLUGINS = (
    # the editing area and its chrome
    "wysiwygarea", "toolbar", "elementspath", "resize", "a11yhelp", "contextmenu",
    "enterkey", "entities", "htmlwriter", "magicline", "showborders",
    # the toolbar's buttons
    "format", "basicstyles", "list", "blockquote", "bidi", "link",
    "image2", "uploadimage", "filebrowser", "table", "tabletools", "tableselection", "iframe",
    "clipboard", "pastetext", "pastefromword", "pastefromgdocs", "pastefromlibreoffice",
    "removeformat", "undo", "sourcearea", "maximize",
)  # fmt: skip

# Inside the editing area (an iframe with CKEditor's own stylesheet): photos fit its width.
CONTENTS_CSS = ("ckeditor/ckeditor/contents.css", "articles/admin/editor-contents.css")

CONFIG = {
    "language": "ar",
    "contentsLanguage": "ar",
    "contentsLangDirection": "rtl",
    "height": 420,
    "width": "100%",
    "toolbar": "Newsroom",
    "toolbar_Newsroom": TOOLBAR,
    "format_tags": "p;h2;h3;h4",
    # image2: images with captions (<figure class="image"> + <figcaption>); a caption left at
    # its placeholder is removed by the sanitizer. uploadimage: pasted or dropped images are
    # uploaded, not kept as data: URLs. iframe: embeds; articles/sanitize.py keeps only those
    # from NEWSROOM_EMBED_SOURCES. bidi: a paragraph left-to-right for a quote in English.
    "plugins": ",".join(PLUGINS),
    "extraPlugins": "",
    "removePlugins": "",
    "allowedContent": ALLOWED_CONTENT,
    "disallowedContent": DISALLOWED_CONTENT,
    "pasteFromWordRemoveFontStyles": True,
    "pasteFromWordPromptCleanup": False,
    "linkShowAdvancedTab": False,
    "linkShowTargetTab": False,
    "image2_alt": True,
    "image2_prefillDimensions": True,
    "removeDialogTabs": "link:advanced;table:advanced;tableProperties:advanced",
    # The sanitizer forces the same attributes on every embed; setting them here keeps what
    # the editor shows equal to what is stored.
    "iframe_attributes": {
        "sandbox": "allow-scripts allow-same-origin allow-popups allow-presentation",
        "loading": "lazy",
        "referrerpolicy": "strict-origin-when-cross-origin",
    },
    "filebrowserUploadMethod": "xhr",
    "versionCheck": False,
}


# CKEditor 4 builds its toolbar, menus and dialogs with inline event handlers
# (onclick="CKEDITOR.tools.callFunction(12,this)"), bootstraps its editing frame with an inline
# script, styles everything inline, and shows pasted or dropped images as data:/blob: URLs
# while it uploads them. No hash or nonce can cover handlers it generates, so the page that
# shows the editor, and only that page, gets these on top of the site-wide policy.
EDITOR_PAGE_POLICY_REPLACE = {"script-src": [SELF, UNSAFE_INLINE]}
EDITOR_PAGE_POLICY_UPDATE = {
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:", "blob:"],
    "frame-src": [SELF],  # the editor's upload answer may land in a same-origin frame
}


def editor_page_policy(view):
    """Decorate a view whose page shows the editor with the policy CKEditor 4 needs."""
    return csp_update(EDITOR_PAGE_POLICY_UPDATE)(csp_replace(EDITOR_PAGE_POLICY_REPLACE)(view))


class BodyEditorWidget(CKEditorWidget):
    def _set_config(self):
        super()._set_config()
        upload_url = reverse("ckeditor_upload")
        self.config["filebrowserUploadUrl"] = upload_url
        self.config["filebrowserImageUploadUrl"] = upload_url
        self.config["uploadUrl"] = f"{upload_url}?responseType=json"
        self.config["contentsCss"] = [static(path) for path in CONTENTS_CSS]


def body_editor_widget():
    widget = BodyEditorWidget(config_name="default")
    widget.config.update(CONFIG)
    return widget


# --- Image uploads from inside the editor -------------------------------------------------

CSRF_FAILED = "انتهت صلاحية الصفحة أو لم يُرسل رمز الحماية. أعد تحميل الصفحة ثم ارفع الصورة."
NO_FILE = "لم يصل أي ملف. اختر صورة ثم أعد المحاولة."


def _script_literal(value) -> str:
    """A JSON literal that is safe inside an HTML <script> element."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@method_decorator(csp_replace({"frame-ancestors": [SELF]}), name="dispatch")
@method_decorator(xframe_options_sameorigin, name="dispatch")
@method_decorator(staff_member_required, name="dispatch")
# CKEditor sends its own double-submit token (ckCsrfToken, cookie and field), not Django's.
@method_decorator(csrf_exempt, name="dispatch")
class BodyImageUploadView(View):
    """Take an image from CKEditor, check it, store a clean copy, answer in CKEditor's format.

    CKEditor reads refusals from the body of a 200 answer (any other status shows its own
    generic English message), so a refused file is `{"uploaded": 0, "error": {"message": …}}`,
    or, for the older form upload, a callback carrying the message. Nothing is stored unless
    every check passed.
    """

    http_method_names = ["post"]

    def post(self, request):
        if not self._ckeditor_token_matches(request):
            return self._answer(request, message=CSRF_FAILED, status=403)
        upload = request.FILES.get("upload")
        if upload is None:
            return self._answer(request, message=NO_FILE)
        try:
            images.validate_image_upload(upload)
        except ValidationError as error:
            return self._answer(request, message=error.messages[0])
        name = images.body_image_store(upload=upload, storage=default_storage)
        return self._answer(request, url=default_storage.url(name), name=name)

    @staticmethod
    def _ckeditor_token_matches(request) -> bool:
        sent = request.POST.get("ckCsrfToken", "")
        cookie = request.COOKIES.get("ckCsrfToken", "")
        return bool(sent) and constant_time_compare(sent, cookie)

    @staticmethod
    def _answer(request, *, url="", name="", message="", status=200):
        func_num = request.GET.get("CKEditorFuncNum", "")
        if func_num.isdigit() and request.GET.get("responseType") != "json":
            # The form upload: CKEditor loads this page in a frame and expects a callback.
            script = (
                f"window.parent.CKEDITOR.tools.callFunction({int(func_num)}, "
                f"{_script_literal(url)}, {_script_literal(message)});"
            )
            return HttpResponse(
                f'<!DOCTYPE html><script nonce="{request.csp_nonce}">{script}</script>',
                status=status,
            )
        if url:
            return JsonResponse({"uploaded": 1, "fileName": name.rsplit("/", 1)[-1], "url": url})
        return JsonResponse({"uploaded": 0, "error": {"message": message}}, status=status)


urlpatterns = [
    path("upload/", BodyImageUploadView.as_view(), name="ckeditor_upload"),
]
