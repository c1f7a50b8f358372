// Small behaviours the pages share. Kept out of the HTML so the Content-Security-Policy can forbid inline script.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.requestSubmit();
});

document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// Type-ahead choices (huhang/typeahead.py). The search box has no name, so the form never submits it: the term
// goes to the endpoint as ?q=, and the chosen id lives in the hidden input beside it.
const typeahead = (element) => element && element.closest("[data-typeahead]");
const typeaheadClose = (box) => {
  box.querySelector("[data-typeahead-options]").replaceChildren();
  box.querySelector("[data-typeahead-input]").setAttribute("aria-expanded", "false");
};

document.addEventListener("htmx:configRequest", (event) => {
  const input = event.detail.elt;
  if (!(input.matches && input.matches("[data-typeahead-input]"))) return;
  if (input.dataset.typeaheadChosen) {
    // The focus given back after a choice searches nothing: its list would cover the button beside the box.
    delete input.dataset.typeaheadChosen;
    event.preventDefault();
    return;
  }
  event.detail.parameters.q = input.value;
});

document.addEventListener("htmx:afterSwap", (event) => {
  const box = typeahead(event.detail.target);
  if (box) box.querySelector("[data-typeahead-input]").setAttribute("aria-expanded", "true");
});

document.addEventListener("input", (event) => {
  // Typing undoes the choice until a match is chosen; an emptied box means "no choice". (Several choices keep theirs
  // as ticked boxes: typing only searches.)
  if (!event.target.matches("[data-typeahead-input]")) return;
  const value = typeahead(event.target).querySelector("[data-typeahead-value]");
  if (value) value.value = "";
});

// Several choices (MultipleTypeaheadWidget): a chosen match becomes a ticked box in the chips above the search box,
// or ticks its box again if it was unticked; the box is the form's value, so no script is needed to send it.
const typeaheadAddChip = (box, choice) => {
  const chosen = box.querySelector("[data-typeahead-chosen]");
  const existing = [...chosen.querySelectorAll("input[type=checkbox]")].find((item) => item.value === choice.dataset.value);
  if (existing) {
    existing.checked = true;
    return;
  }
  const chip = document.createElement("label");
  chip.className = "btn btn-sm btn-outline-primary d-inline-flex align-items-center gap-2 hh-typeahead-chip";
  chip.dataset.typeaheadChip = "";
  const tick = document.createElement("input");
  tick.type = "checkbox";
  tick.className = "form-check-input m-0";
  tick.name = box.dataset.typeaheadName;
  tick.value = choice.dataset.value;
  tick.checked = true;
  chip.append(tick, choice.dataset.label);
  chosen.append(chip);
};

document.addEventListener("click", (event) => {
  const choice = event.target.closest("[data-typeahead-choice]");
  const box = typeahead(choice);
  if (!box) return;
  const input = box.querySelector("[data-typeahead-input]");
  if (box.matches("[data-typeahead-multiple]")) {
    typeaheadAddChip(box, choice);
    input.value = "";
  } else {
    box.querySelector("[data-typeahead-value]").value = choice.dataset.value;
    input.value = choice.dataset.label;
  }
  typeaheadClose(box);
  input.dataset.typeaheadChosen = "1";
  input.focus();
});

document.addEventListener("keydown", (event) => {
  const box = typeahead(event.target);
  if (!box) return;
  const options = [...box.querySelectorAll("[data-typeahead-options] [data-typeahead-choice]")];
  const at = options.indexOf(event.target);
  if (event.key === "Escape") {
    typeaheadClose(box);
  } else if (event.key === "ArrowDown" && options.length) {
    event.preventDefault();
    options[Math.min(at + 1, options.length - 1)].focus();
  } else if (event.key === "ArrowUp" && at >= 0) {
    event.preventDefault();
    (at === 0 ? box.querySelector("[data-typeahead-input]") : options[at - 1]).focus();
  }
});

document.addEventListener("focusout", (event) => {
  const box = typeahead(event.target);
  if (box && !box.contains(event.relatedTarget)) typeaheadClose(box);
});
