// The activity log form (templates/archives/activity_form.html): each measure of the plan shows its progress note
// and "done" box only once it is ticked, so a long plan stays short on a phone; writing a note or ticking "done"
// ticks the measure. Without JavaScript every field is shown and the server asks for the tick.
document.querySelectorAll("[data-measure]").forEach((measure) => {
  const tick = measure.querySelector("input[data-advance]");
  const details = measure.querySelector("[data-measure-details]");
  if (!tick || !details) return;
  const note = details.querySelector("textarea");
  const done = details.querySelector("input[type=checkbox]");
  const untouched = () => !tick.checked && !(note && note.value.trim()) && !(done && done.checked);
  const hasErrors = measure.querySelector(".invalid-feedback") !== null;
  details.hidden = untouched() && !hasErrors;

  tick.addEventListener("change", () => {
    if (tick.checked) {
      details.hidden = false;
      if (note && !note.value.trim()) note.focus();
    } else if (untouched()) {
      details.hidden = true;
    }
  });
  details.querySelectorAll("[data-advance-implies]").forEach((field) => {
    field.addEventListener(field.type === "checkbox" ? "change" : "input", () => {
      if ((field.type === "checkbox" && field.checked) || (field.type !== "checkbox" && field.value.trim())) {
        tick.checked = true;
      }
    });
  });
});
