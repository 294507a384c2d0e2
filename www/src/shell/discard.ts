/**
 * The question a page asks before a changed setting replaces a model trained on it: a sentence
 * in the status line with one button to apply the change and one to keep the model.
 */

/** Writes the question into `status` (focus on "Keep"); each button calls its answer. */
export function askToDiscard(
  status: HTMLElement,
  question: { name: string; label: string; steps: number },
  answers: { apply: () => void; keep: () => void },
): void {
  const button = (textContent: string, className: string, answer: () => void) => {
    const b = Object.assign(document.createElement("button"), {
      type: "button",
      textContent,
      className,
    });
    b.addEventListener("click", answer);
    return b;
  };
  const apply = button(`Discard and set ${question.label}`, "discard", answers.apply);
  const keep = button("Keep the model", "keep", answers.keep);
  const steps = question.steps.toLocaleString("en-US");
  status.classList.remove("error");
  status.replaceChildren(
    `Changing ${question.label} starts a new model: the one trained here (${steps} steps) would be lost. `,
    apply,
    " ",
    keep,
  );
  status.dataset.asking = question.name;
  keep.focus();
}
