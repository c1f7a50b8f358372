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
  // Typing undoes the choice until a match is chosen; an emptied box means "no choice".
  if (event.target.matches("[data-typeahead-input]")) typeahead(event.target).querySelector("[data-typeahead-value]").value = "";
});

document.addEventListener("click", (event) => {
  const choice = event.target.closest("[data-typeahead-choice]");
  const box = typeahead(choice);
  if (!box) return;
  box.querySelector("[data-typeahead-value]").value = choice.dataset.value;
  const input = box.querySelector("[data-typeahead-input]");
  input.value = choice.dataset.label;
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
