/**
 * `<iclab-demo>`: one script tag and one element put a live demo in a course page.
 *
 * ```html
 * <script type="module" src="https://example.org/iclab/embed.js"></script>
 * <iclab-demo kind="icl" task="sparse_linear" baselines="least_squares,lasso" hide="model,preset"></iclab-demo>
 * ```
 *
 * `kind` is `icl`, `compare` or `continual`. Every other attribute is a URL parameter of that
 * demo (names as on the teachers page; HTML attribute names are case-insensitive, so
 * `learningrate` and `learning-rate` both mean `learningRate`). `hide` lists controls to hide;
 * `height` fixes the height (otherwise the frame follows its content). The demo runs in an
 * iframe of the page this script came from, so the host page needs no other set-up and its own
 * scripts and styles cannot collide with the demo's. Bad values are reported inside the demo.
 */
import type { HeightMessage } from "./chrome.js";
import { DEMOS, type DemoKind } from "../demos.js";

/**
 * Where the demo pages are: next to `embed.js` when this is the standalone script, one level up
 * when it is bundled into a page (`assets/…`), above `src/` when served from source.
 */
const HERE = new URL(import.meta.url);
const SITE = HERE.pathname.endsWith("/embed.js")
  ? new URL("./", HERE).href
  : HERE.pathname.includes("/src/")
    ? new URL(HERE.pathname.slice(0, HERE.pathname.indexOf("/src/") + 1), HERE).href
    : new URL("../", HERE).href;

const OWN = new Set(["kind", "hide", "height", "compact", "title", "id", "class", "style"]);

/** The table name an attribute stands for: case-insensitive, kebab-case allowed. */
function paramName(kind: DemoKind, attribute: string): string {
  const flat = attribute.replace(/-/g, "").toLowerCase();
  return Object.keys(DEMOS[kind].table).find((name) => name.toLowerCase() === flat) ?? attribute;
}

/** The iframe address for an element's attributes; `null` and a reason for an unknown kind. */
export function demoUrl(element: Element, base: string): { url: string } | { error: string } {
  const kind = element.getAttribute("kind") ?? "icl";
  if (!(kind in DEMOS)) {
    return { error: `iclab-demo: unknown kind "${kind}"; use ${Object.keys(DEMOS).join(", ")}` };
  }
  const demo = kind as DemoKind;
  const url = new URL(DEMOS[demo].page, base);
  for (const { name, value } of element.attributes) {
    if (!OWN.has(name)) url.searchParams.set(paramName(demo, name), value);
  }
  for (const hidden of (element.getAttribute("hide") ?? "").split(",")) {
    if (hidden.trim()) url.searchParams.set(`${paramName(demo, hidden.trim())}_hide`, "1");
  }
  // a boolean attribute: present (any value but "false" or "0") means the compact layout
  const compact = element.getAttribute("compact");
  if (compact !== null && compact !== "false" && compact !== "0")
    url.searchParams.set("compact", "1");
  url.searchParams.set("embed", "1");
  return { url: url.href };
}

export class IclabDemo extends HTMLElement {
  private frame: HTMLIFrameElement | null = null;
  private readonly onMessage = (event: MessageEvent): void => {
    const data = event.data as Partial<HeightMessage> | null;
    if (!this.frame || event.source !== this.frame.contentWindow || data?.type !== "iclab:height")
      return;
    if (!this.hasAttribute("height") && typeof data.height === "number" && data.height > 0) {
      this.frame.style.height = `${Math.min(data.height, 10_000)}px`;
    }
  };

  connectedCallback(): void {
    window.addEventListener("message", this.onMessage);
    this.render();
  }

  disconnectedCallback(): void {
    window.removeEventListener("message", this.onMessage);
  }

  attributeChangedCallback(): void {
    if (this.isConnected) this.render();
  }

  static get observedAttributes(): string[] {
    const names = new Set(["kind", "hide", "height", "compact"]);
    for (const demo of Object.values(DEMOS))
      for (const name of Object.keys(demo.table)) names.add(name.toLowerCase());
    return [...names];
  }

  private render(): void {
    const root = this.shadowRoot ?? this.attachShadow({ mode: "open" });
    const target = demoUrl(this, SITE);
    this.style.display = "block";
    if ("error" in target) {
      const message = document.createElement("p");
      message.setAttribute("role", "alert");
      message.textContent = target.error;
      root.replaceChildren(message);
      this.frame = null;
      return;
    }
    const frame = this.frame ?? document.createElement("iframe");
    if (frame.src !== target.url) frame.src = target.url;
    const kind = (this.getAttribute("kind") ?? "icl") as DemoKind;
    frame.title = this.getAttribute("title") ?? `iclab: ${DEMOS[kind].title}`;
    frame.loading = "lazy";
    frame.style.border = "0";
    frame.style.width = "100%";
    frame.style.display = "block";
    const height = Number(this.getAttribute("height"));
    frame.style.height =
      Number.isFinite(height) && height > 0 ? `${height}px` : frame.style.height || "760px";
    if (!this.frame) root.replaceChildren(frame);
    this.frame = frame;
  }
}

if (!customElements.get("iclab-demo")) customElements.define("iclab-demo", IclabDemo);
