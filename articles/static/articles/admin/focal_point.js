// The lead photo's focal point, set by clicking the photo: a marker shows it, a click moves
// it, arrow keys move it from the keyboard (Shift for small steps). It writes the form's
// focal_x and focal_y fields (fractions of the width and height from the top left), whose
// inputs stay in the form; every crop of the photo is centred on the point
// (articles/images.py). A newly chosen photo is shown before it is uploaded, so the point can
// be set in the same save. Without JavaScript the two number fields are edited directly.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var form = document.getElementById("article_form");
  if (!form) return;
  var inputX = form.querySelector("input[name=focal_x]");
  var inputY = form.querySelector("input[name=focal_y]");
  var file = form.querySelector("input[type=file][name=lead_image]");
  if (!inputX || !inputY || !file) return;
  var STEP = 0.05;
  var FINE_STEP = 0.01;

  var picker = document.createElement("div");
  picker.className = "focal-picker";
  picker.hidden = true;
  var help = document.createElement("p");
  help.className = "help";
  help.id = "focal-picker-help";
  help.textContent =
    "انقر على موضوع الصورة (الوجه أو الحدث) لتبقى القصّات حوله في البطاقات وعند المشاركة. " +
    "من لوحة المفاتيح: ركّز على الصورة وحرّك النقطة بالأسهم (مع Shift لخطوة أصغر).";
  var frame = document.createElement("div");
  frame.className = "focal-picker__frame";
  frame.tabIndex = 0;
  frame.setAttribute("role", "group");
  frame.setAttribute("aria-label", "النقطة المحورية للصورة الرئيسية");
  frame.setAttribute("aria-describedby", "focal-picker-help focal-picker-value");
  var image = document.createElement("img");
  image.className = "focal-picker__image";
  image.alt = "";
  var marker = document.createElement("span");
  marker.className = "focal-picker__marker";
  marker.setAttribute("aria-hidden", "true");
  var value = document.createElement("p");
  value.className = "focal-picker__value";
  value.id = "focal-picker-value";
  value.setAttribute("aria-live", "polite");
  frame.append(image, marker);
  picker.append(help, frame, value);
  var row = file.closest(".form-row") || file.parentNode;
  row.insertAdjacentElement("afterend", picker);
  form.querySelectorAll(".field-focal_x, .field-focal_y").forEach(function (fieldRow) {
    var line = fieldRow.closest(".form-row") || fieldRow;
    line.hidden = true;
  });

  function read(input) {
    var number = parseFloat(input.value);
    return isNaN(number) ? 0.5 : Math.min(Math.max(number, 0), 1);
  }
  function percent(fraction) { return Math.round(fraction * 100); }
  function show() {
    var x = read(inputX), y = read(inputY);
    marker.style.left = x * 100 + "%";
    marker.style.top = y * 100 + "%";
    value.textContent =
      "النقطة المحورية: " + percent(x) + "% من اليسار، " + percent(y) + "% من الأعلى";
  }
  function set(x, y) {
    x = Math.round(Math.min(Math.max(x, 0), 1) * 1000) / 1000;
    y = Math.round(Math.min(Math.max(y, 0), 1) * 1000) / 1000;
    inputX.value = String(x);
    inputY.value = String(y);
    [inputX, inputY].forEach(function (input) {
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    show();
  }

  frame.addEventListener("click", function (event) {
    var box = image.getBoundingClientRect();
    if (!box.width || !box.height) return;
    set((event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height);
    frame.focus();
  });
  var MOVES = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  frame.addEventListener("keydown", function (event) {
    var move = MOVES[event.key];
    if (!move) return;
    event.preventDefault();
    var step = event.shiftKey ? FINE_STEP : STEP;
    set(read(inputX) + move[0] * step, read(inputY) + move[1] * step);
  });

  function showPhoto(source) {
    if (!source) {
      picker.hidden = true;
      return;
    }
    image.src = source;
    picker.hidden = false;
    show();
  }
  // The stored photo: the admin links it under «حاليًا».
  var current = row.querySelector(".file-upload a[href]");
  showPhoto(current ? current.href : "");
  var preview = null;
  file.addEventListener("change", function () {
    if (preview) URL.revokeObjectURL(preview);
    preview = file.files && file.files[0] ? URL.createObjectURL(file.files[0]) : null;
    if (preview) set(0.5, 0.5); // a new photo: its subject is not where the old one's was
    showPhoto(preview || (current ? current.href : ""));
  });
});
