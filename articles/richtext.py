"""The one place that knows which rich-text editor the admin uses.

Models store plain HTML in a TextField and templates render the sanitized HTML, so replacing
CKEditor 4 means changing this module only.
"""

from ckeditor_uploader.widgets import CKEditorUploadingWidget


def body_editor_widget():
    return CKEditorUploadingWidget(config_name="default")
