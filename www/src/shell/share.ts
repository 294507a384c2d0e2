/**
 * The "Share / embed" dialog of every demo page: a link to the current state, an iframe snippet
 * and an `<iclab-demo>` snippet for course pages, with a choice of controls to hide in the embed.
 * Everything is built from the demo's table and the page's own serializer, so what is shared is
 * exactly what the page would parse back.
 */
import { DEMOS, type DemoKind } from "../demos.js";
import type { Chrome, Table } from "./state.js";

/** What the dialog shares: a page, its title and its settings. */
export interface Shared {
  kind: string;
  title: string;
  /** The page's file (`continual.html`). */
  page: string;
  table: Table;
}

/** A demo page's share description: its `DEMOS` entry, or the page itself when it has none. */
export function shared(kind: string, table: Table): Shared {
  const demo = (DEMOS as Record<string, { page: string; title: string } | undefined>)[kind];
  return {
    kind,
    table,
    title: demo?.title ?? document.title.replace(/^iclab · /, ""),
    page: demo?.page ?? location.pathname.split("/").pop() ?? "",
  };
}

/** The attributes of an `<iclab-demo>` element for a serialized query (`?a=1&b_hide=1`). */
export function elementSnippet(kind: DemoKind, query: string, scriptUrl: string): string {
  const params = new URLSearchParams(query);
  const hide: string[] = [];
  const attrs = [`kind="${kind}"`];
  for (const [key, value] of params) {
    if (key === "embed") continue;
    if (key.endsWith("_hide")) hide.push(key.slice(0, -"_hide".length));
    else attrs.push(`${key}="${value.replace(/"/g, "&quot;")}"`);
  }
  if (hide.length) attrs.push(`hide="${hide.join(",")}"`);
  return `<script type="module" src="${scriptUrl}"></script>\n<iclab-demo ${attrs.join(" ")}></iclab-demo>`;
}

export function iframeSnippet(title: string, src: string): string {
  const height = new URL(src, location.href).searchParams.get("compact") === "1" ? 560 : 760;
  return `<iframe src="${src.replace(/&/g, "&amp;")}" title="iclab: ${title}" width="100%" height="${height}" style="border:0" loading="lazy"></iframe>`;
}

/**
 * A setting's name for people: its control's label on the page ("Noise σ", "Warmup steps"), else
 * its URL name in words ("noise std"); the URL name itself stays in the tooltip.
 */
export function friendlyName(name: string): string {
  const control = document.querySelector<HTMLElement>(
    `form [name="${name}"], form [data-param="${name}"]`,
  );
  const label = control?.closest("label");
  const own = label
    ? [...label.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? "")
        .join(" ")
        .replace(/\s+/g, " ")
        .trim()
    : "";
  if (own) return own;
  const group = control?.getAttribute("aria-label");
  if (group) return group;
  return name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

/** A read-only snippet with its label and a Copy button (the share dialog, the lesson cards). */
export function copyable(
  label: string,
  value: string,
  rows: number,
  id = `share-${label.toLowerCase().replace(/[^a-z]+/g, "-")}`,
): HTMLElement {
  const wrap = document.createElement("div");
  wrap.className = "copyable";
  const title = document.createElement("label");
  title.htmlFor = id;
  title.textContent = label;
  const box = document.createElement("textarea");
  box.id = id;
  box.readOnly = true;
  box.rows = rows;
  box.value = value;
  box.spellcheck = false;
  const copy = document.createElement("button");
  copy.type = "button";
  copy.className = "small";
  copy.textContent = "Copy";
  copy.addEventListener("click", () => {
    box.select();
    const done = (): void => {
      copy.textContent = "Copied";
      setTimeout(() => (copy.textContent = "Copy"), 1500);
    };
    navigator.clipboard
      ?.writeText(value)
      .then(done, () => document.execCommand("copy") && done()) ??
      (document.execCommand("copy") && done());
  });
  wrap.append(title, copy, box);
  return wrap;
}

/**
 * Wires `button` to open the dialog. `serialize` gives the query string of the page's current
 * state with the given chrome; `chrome` is the page's own (hidden controls start ticked).
 */
export function mountShare(
  button: HTMLButtonElement,
  demo: Shared,
  serialize: (chrome: Chrome) => string,
  chrome: () => Chrome,
): void {
  const dialog = document.createElement("dialog");
  dialog.className = "share";
  dialog.setAttribute("aria-labelledby", "share-title");
  document.body.append(dialog);
  const hidden = new Set<string>();
  let compact = false;

  /** Hidden controls in table order, so links do not depend on the order they were ticked. */
  const ordered = (): string[] => Object.keys(demo.table).filter((name) => hidden.has(name));
  // the <iclab-demo> element knows the demos of DEMOS; any page has a link and an iframe
  const element = demo.kind in DEMOS;

  function render(): void {
    const page = new URL(demo.page, location.href);
    const plain = serialize({ embed: false, compact, hidden: ordered() });
    const link = `${page.origin}${page.pathname}${plain}`;
    const embedded = `${page.origin}${page.pathname}${serialize({ embed: true, compact, hidden: ordered() })}`;
    const script = new URL("./embed.js", page).href;

    const title = document.createElement("h2");
    title.id = "share-title";
    title.textContent = `Share or embed: ${demo.title}`;
    const intro = document.createElement("p");
    intro.className = "note";
    intro.textContent =
      "The link and snippets carry every setting, the seed included, so they reproduce this run.";

    const hides = document.createElement("fieldset");
    hides.className = "hides";
    const legend = document.createElement("legend");
    legend.textContent = "Hide these controls in the link and embeds";
    hides.append(legend);
    for (const [name, prop] of Object.entries(demo.table)) {
      const label = document.createElement("label");
      label.className = "check";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = name;
      box.checked = hidden.has(name);
      box.addEventListener("change", () => {
        if (box.checked) hidden.add(name);
        else hidden.delete(name);
        render();
        dialog.querySelector<HTMLInputElement>(`.hides input[value="${name}"]`)?.focus();
      });
      label.title = `${name}: ${prop.doc ?? ""}`;
      label.append(box, ` ${friendlyName(name)}`);
      hides.append(label);
    }

    const layout = document.createElement("label");
    layout.className = "check compact-choice";
    const compactBox = document.createElement("input");
    compactBox.type = "checkbox";
    compactBox.checked = compact;
    compactBox.addEventListener("change", () => {
      compact = compactBox.checked;
      render();
      dialog.querySelector<HTMLInputElement>(".compact-choice input")?.focus();
    });
    layout.append(
      compactBox,
      " Compact embed: only the main chart and the buttons, settings folded (fits a course page)",
    );

    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", () => dialog.close());

    dialog.replaceChildren(
      title,
      intro,
      copyable("Link", link, 2),
      copyable("Embed with an iframe", iframeSnippet(demo.title, embedded), 3),
      ...(element
        ? [
            copyable(
              "Embed with the iclab-demo element",
              elementSnippet(demo.kind as DemoKind, plain, script),
              3,
            ),
          ]
        : []),
      layout,
      hides,
      close,
    );
  }

  button.addEventListener("click", () => {
    hidden.clear();
    for (const name of chrome().hidden) hidden.add(name);
    compact = chrome().compact;
    render();
    dialog.showModal();
  });
}
