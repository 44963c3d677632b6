// icucoach pages: the only script. Copy buttons, and keeping the grant presets and tool checkboxes in step.
// Everything works without it (URLs can be selected by hand; the server applies a chosen preset).
"use strict";

function copyFrom(button) {
  const input = document.getElementById(button.dataset.copy);
  if (!input) return;
  const status = document.querySelector('.copied[data-for="' + input.id + '"]');
  const done = (ok) => {
    if (status) status.textContent = ok ? "Copied to the clipboard." : "Select the text and copy it by hand.";
    button.textContent = ok ? "Copied" : "Copy";
    setTimeout(() => { button.textContent = "Copy"; }, 2000);
  };
  input.select();
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(() => done(true), () => done(document.execCommand("copy")));
  } else {
    done(document.execCommand("copy"));
  }
}

function syncPreset(radio) {
  const form = radio.form;
  if (!form || radio.value === "custom") return;
  const groups = new Set((radio.dataset.groups || "").split(" ").filter(Boolean));
  form.querySelectorAll('input[type="checkbox"][name="tool"]').forEach((box) => {
    box.checked = groups.has(box.dataset.group);
  });
}

function markCustom(box) {
  const custom = box.form && box.form.querySelector('input[name="preset"][value="custom"]');
  if (custom) custom.checked = true;
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy");
  if (button) copyFrom(button);
});

document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches('input[type="radio"][name="preset"]')) syncPreset(el);
  if (el.matches('input[type="checkbox"][name="tool"]')) markCustom(el);
});
