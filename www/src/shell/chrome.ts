/**
 * How a demo page is shown, from its URL: `embed=1` gives the compact layout for an iframe (no
 * navigation or explanations, a link to the full page, and the page's height posted to the
 * embedding `<iclab-demo>` element), `compact=1` shows only the main chart and the buttons (the
 * settings folded, the other views hidden) so an embed fits a course page, and `<setting>_hide=1` takes a control out of sight while
 * its value still applies.
 */
import type { Chrome } from "./state.js";

/** Message an embedded page posts to its parent whenever its height changes. */
export interface HeightMessage {
  type: "iclab:height";
  height: number;
}

/** Hides the controls named in `chrome.hidden` and switches to the embed layout if asked. */
export function applyChrome(form: HTMLFormElement, chrome: Chrome): void {
  for (const name of chrome.hidden) {
    for (const control of form.querySelectorAll<HTMLElement>(
      `[name="${name}"], [data-param="${name}"]`,
    )) {
      (control.closest("label") ?? control).classList.add("chrome-hidden");
    }
  }
  // A group whose every setting is hidden goes too, legend and all.
  for (const fieldset of form.querySelectorAll<HTMLFieldSetElement>("fieldset")) {
    const settings = [
      ...fieldset.querySelectorAll<HTMLElement>(":scope > label, :scope > [data-param]"),
    ];
    if (settings.length > 0 && settings.every((s) => s.classList.contains("chrome-hidden")))
      fieldset.classList.add("chrome-hidden");
  }
  if (chrome.compact) document.documentElement.dataset.compact = "true";
  if (!chrome.embed) return;
  document.documentElement.dataset.embed = "true";
  // the full page opens whole: the settings as they are now, without the embed's chrome (a
  // student must be able to reveal every control)
  const fullPage = (): string => {
    const full = new URL(location.href);
    for (const key of [...full.searchParams.keys()])
      if (key === "embed" || key === "compact" || key.endsWith("_hide"))
        full.searchParams.delete(key);
    return full.href;
  };
  const link = document.createElement("a");
  link.className = "open-full";
  link.href = fullPage();
  for (const event of ["pointerdown", "focus"])
    link.addEventListener(event, () => {
      link.href = fullPage();
    });
  link.target = "_blank";
  link.rel = "noopener";
  link.textContent = "Open in iclab ↗";
  document.querySelector("header.top")?.append(link);
  if (window.parent !== window) {
    let last = 0;
    const report = (): void => {
      const height = Math.ceil(document.documentElement.scrollHeight);
      if (height === last) return;
      last = height;
      const message: HeightMessage = { type: "iclab:height", height };
      window.parent.postMessage(message, "*");
    };
    new ResizeObserver(report).observe(document.body);
    report();
  }
}
