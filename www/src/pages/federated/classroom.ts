/**
 * The federated page's classroom: this page as one client of a class of real browsers. It learns
 * its client's classes (`learnFederated`), sends its share as a file, a link or on a
 * `BroadcastChannel` named by the settings (tabs of one classroom only), and merges the shares
 * that arrive — those that come before it learned wait for it. Every check of a share is the
 * core's; this file carries shares and draws the result.
 */
import {
  learnFederated,
  type FederatedClient,
  type FederatedClientState,
  type FederatedConfig,
} from "iclab";
import { describe, el } from "../../shell/dom.js";
import { download } from "../../shell/files.js";
import type { Page } from "../../shell/page.js";
import { accuracyGrid } from "./charts.js";
import { shareFragment, shareFromFragment } from "./link.js";
import type { FEDERATED } from "./table.js";

const pct = (a: number): string => `${(100 * a).toFixed(1)}%`;

/** The client number a share's text says it came from, if it says. */
function senderOf(text: string): number | null {
  try {
    const client = (JSON.parse(text) as { client?: unknown }).client;
    return typeof client === "number" ? client : null;
  } catch {
    return null;
  }
}

export class Classroom {
  /** This page's client, once it learned. */
  private mine: FederatedClient | null = null;
  /** Shares that arrived before this page learned (from a link, a file or the channel). */
  private readonly waiting: { text: string; from: string; quiet: boolean }[] = [];
  /** The tabs of one classroom: pages of this site with the same settings. */
  private channel: BroadcastChannel | null = null;
  private readonly buttons = {
    learn: el<HTMLButtonElement>("learn"),
    file: el<HTMLButtonElement>("share-file"),
    link: el<HTMLButtonElement>("share-link"),
    merge: el<HTMLInputElement>("merge-file"),
  };

  /** `config`: the experiment the page's settings describe (its feature space). */
  constructor(
    private readonly page: Page<typeof FEDERATED>,
    private readonly config: () => FederatedConfig,
  ) {
    const b = this.buttons;
    b.learn.addEventListener("click", () => void this.learn());
    b.file.addEventListener("click", () => {
      const mine = this.mine;
      if (mine)
        download(`iclab-share-client${mine.state.client}.json`, mine.share, "application/json");
    });
    b.link.addEventListener("click", () => void this.copyLink());
    b.merge.addEventListener("change", () => void this.mergeFiles());
  }

  /** The client's state, once it learned. */
  get state(): FederatedClientState | null {
    return this.mine?.state ?? null;
  }

  say(text: string, isError = false): void {
    const status = el("classroom-status");
    status.textContent = text;
    status.classList.toggle("error", isError);
  }

  /** The classroom of the current settings (the feature space, the learner, the clients and their split). */
  private room(): string {
    const { run, rounds: _, ...rest } = this.config();
    const { device: __, iterationsPerTask: ___, ...space } = run ?? {};
    return `iclab-federated ${JSON.stringify({ ...rest, run: space })}`;
  }

  /** Joins the classroom of the current settings (leaving any other) and says hello. */
  join(): void {
    this.channel?.close();
    this.channel =
      typeof BroadcastChannel === "function" ? new BroadcastChannel(this.room()) : null;
    this.channel?.addEventListener("message", (e) => this.heard(e));
    this.channel?.postMessage({ kind: "hello" });
  }

  private heard(event: MessageEvent<{ kind?: unknown; share?: unknown }>): void {
    const m = event.data;
    if (m?.kind === "hello" && this.mine)
      this.channel?.postMessage({ kind: "share", share: this.mine.share });
    // another tab's share; one merged before (a tab says hello again) is not news
    if (m?.kind === "share" && typeof m.share === "string")
      void this.mergeText(m.share, "another tab", true);
  }

  /** Merges the share a link's fragment carries, if it carries one. */
  async fromLink(): Promise<void> {
    try {
      const text = await shareFromFragment(location.hash);
      if (text !== null) await this.mergeText(text, "the link");
    } catch (error) {
      this.say(`${describe(error)} Nothing changed.`, true);
    }
  }

  /** The client's classes alone and now, and the shares it merged. */
  private show(s: FederatedClientState): void {
    el("mine").replaceChildren(
      accuracyGrid(
        [
          { label: `client ${s.client} alone`, scores: s.alone, own: s.own },
          { label: `client ${s.client} now`, scores: s.now, own: s.own, emphasis: true },
        ],
        s.classes,
        `This page: client ${s.client} of ${s.clients}; its share is ${s.shareBytes.toLocaleString("en")} bytes`,
      ),
    );
    el("merged-list").replaceChildren(
      ...s.merged.map((m) =>
        Object.assign(document.createElement("li"), {
          textContent: `merged client ${m.client}'s share: classes ${m.classes.join(", ")}`,
        }),
      ),
    );
    const data = document.body.dataset;
    data.known = String(s.known.length);
    data.mergedShares = String(s.merged.length);
    data.classroomNow = String(s.now.accuracy);
  }

  /** Merges one share's text (from `from`: a file, a link, another tab); says what happened. */
  private async mergeText(text: string, from: string, quietIfKnown = false): Promise<void> {
    const { page, waiting } = this;
    if (!this.mine) {
      // the same share twice (a tab answering two hellos) waits once
      if (waiting.some((w) => w.text === text)) return;
      waiting.push({ text, from, quiet: quietIfKnown });
      // a share from this page's client number would be refused as its own: take the next one
      const sender = senderOf(text);
      if (sender !== null && sender === page.state.client && page.state.clients > 1)
        page.commit("client", (sender + 1) % page.state.clients);
      this.say(
        `${waiting.length} share${waiting.length === 1 ? "" : "s"} waiting (${from}): press “Learn my classes” and ${waiting.length === 1 ? "it merges" : "they merge"} then.`,
      );
      return;
    }
    try {
      const s = await this.mine.merge(text);
      this.show(s);
      const last = s.merged.at(-1);
      this.say(
        `Merged client ${last?.client}'s share (${from}): this page now knows ${s.known.length} of ${s.classes} classes and scores ${pct(s.now.accuracy)} on all of them (alone: ${pct(s.alone.accuracy)}).`,
      );
    } catch (error) {
      const already = /merged already|own statistics/.test(String((error as Error).message));
      if (quietIfKnown && already) return;
      this.say(`${from}: ${describe(error)} Nothing changed.`, true);
    }
  }

  private async learn(): Promise<void> {
    const { page, buttons } = this;
    if (page.working) return;
    buttons.learn.disabled = true;
    const old = this.mine;
    this.mine = null;
    await old?.dispose().catch(() => undefined);
    this.say(`Client ${page.state.client} learns its classes…`);
    try {
      const mine = await learnFederated(this.config(), page.state.client);
      this.mine = mine;
      this.show(mine.state);
      buttons.file.disabled = false;
      buttons.link.disabled = false;
      document.body.dataset.classroom = "learned";
      this.say(
        `Client ${mine.state.client} learned classes ${mine.state.own.join(", ")}: ${pct(mine.state.alone.accuracy)} on all ${mine.state.classes} classes alone. Send its share to the others; theirs merge here as they arrive.`,
      );
      this.channel?.postMessage({ kind: "share", share: mine.share });
      for (const w of this.waiting.splice(0)) await this.mergeText(w.text, w.from, w.quiet);
    } catch (error) {
      this.say(`${describe(error)}`, true);
    } finally {
      buttons.learn.disabled = false;
    }
  }

  /** A setting the classroom depends on changed: this page's client no longer matches it. */
  async forget(): Promise<void> {
    const old = this.mine;
    if (!old) return;
    this.mine = null;
    await old.dispose().catch(() => undefined);
    el("mine").replaceChildren();
    el("merged-list").replaceChildren();
    this.buttons.file.disabled = true;
    this.buttons.link.disabled = true;
    delete document.body.dataset.classroom;
    this.say("Settings changed: press “Learn my classes” to learn again with them.");
  }

  private async copyLink(): Promise<void> {
    const mine = this.mine;
    if (!mine) return;
    const url = new URL(location.href);
    // the receiver keeps its own client number
    url.searchParams.delete("client");
    url.hash = await shareFragment(mine.share);
    try {
      await navigator.clipboard.writeText(url.href);
      this.say(
        `Copied a link to client ${mine.state.client}'s share (${url.href.length.toLocaleString("en")} characters).`,
      );
    } catch {
      this.say(`Copy this link: ${url.href}`);
    }
    document.body.dataset.shareLink = url.href;
  }

  private async mergeFiles(): Promise<void> {
    const input = this.buttons.merge;
    for (const file of input.files ?? []) {
      if (file.size > 64 * 1024 * 1024) {
        this.say(
          `${file.name}: ${(file.size / 1e6).toFixed(0)} MB is not a share. Nothing changed.`,
          true,
        );
        continue;
      }
      await this.mergeText(await file.text(), file.name);
    }
    input.value = "";
  }
}
