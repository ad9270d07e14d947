"""Driving the admin as a person does: CKEditor 4 (typing, toolbar, dialogs) and autocompletes.

Selectors follow what the person sees (Arabic labels, toolbar buttons), not Django internals, so a
test reads as the steps an editor takes.
"""

import re

from playwright.sync_api import Page, expect


def ckeditor_body(page: Page):
    """The editable body inside CKEditor's iframe."""
    return page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")


def ckeditor_focus(page: Page):
    page.locator("iframe.cke_wysiwyg_frame").wait_for()
    ckeditor_body(page).click()


def ckeditor_type(page: Page, text: str):
    """Type at the caret, key by key, as a person types."""
    page.keyboard.type(text)


def ckeditor_bold(page: Page, word: str):
    """Switch bold on with the toolbar button, type the word, switch it off again."""
    page.locator("a.cke_button__bold").click()
    page.keyboard.type(word)
    page.locator("a.cke_button__bold").click()


def ckeditor_link(page: Page, text: str, url: str):
    """Insert a link through the link dialog; the caret ends up after it."""
    page.locator("a.cke_button__link").click()
    dialog = page.get_by_role("dialog", name="رابط")
    dialog.get_by_role("textbox", name="نص العرض").fill(text)
    dialog.get_by_role("textbox", name=re.compile(r"^الرابط")).fill(url)
    dialog.get_by_role("button", name="موافق").click()
    expect(dialog).to_be_hidden()
    page.keyboard.press("End")  # CKEditor leaves the new link selected: step past it


def ckeditor_upload_image(page: Page, path, alt: str, on_dialog=None):
    """Upload a picture through the image dialog's «رفع» tab, give it alt text, insert it.

    The dialog is image2's («خصائص الصورة»); the caret ends up after the picture.
    """
    page.locator("a.cke_button__image").click()
    dialog = page.get_by_role("dialog", name="خصائص الصورة")
    dialog.get_by_role("tab", name="رفع").click()
    upload_form = dialog.frame_locator("iframe.cke_dialog_ui_input_file")
    upload_form.locator("input[type=file]").set_input_files(str(path))
    dialog.get_by_role("button", name="أرسلها للخادم").click()
    # The server answers with the file's address, and the dialog returns to its first tab.
    address = dialog.get_by_role("textbox", name=re.compile(r"^الرابط"))
    expect(address).to_have_value(re.compile(r"/media/"))
    # image2 fills width and height once it has loaded the picture: confirming before that
    # inserts an <img> without them (a race the suite lost about once in three runs).
    expect(dialog.get_by_role("textbox", name="العرض", exact=True)).not_to_have_value("")
    dialog.get_by_role("textbox", name="عنوان الصورة").fill(alt)
    if on_dialog:
        on_dialog(dialog)
    dialog.get_by_role("button", name="موافق").click()
    expect(dialog).to_be_hidden()
    # The picture is an image2 widget and stays selected: Enter now would reopen its dialog
    # (and typing would go into it). The down arrow steps past it, whatever the direction.
    page.keyboard.press("ArrowDown")


def ckeditor_html(page: Page) -> str:
    """What CKEditor will submit with the form."""
    return page.evaluate(
        "() => Object.values(CKEDITOR.instances).map(editor => editor.getData()).join('')"
    )


def choose_autocomplete(page: Page, field_id: str, text: str):
    """Pick `text` in a Django admin autocomplete (select2) field such as `id_section`."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()
    expect(page.locator(f"#select2-{field_id}-container")).to_contain_text(text)
