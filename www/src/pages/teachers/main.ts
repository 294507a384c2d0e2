/**
 * The teachers page: ready-made embeds (each a short lesson with its settings and hidden
 * controls), and the parameter reference, generated from the same tables the demos parse, so it
 * cannot drift from them.
 */
import "../../shell/embed.js";
import { copyable, elementSnippet, iframeSnippet } from "../../shell/share.js";
import { DEMOS, type DemoKind } from "../../demos.js";
import type { Prop } from "../../shell/state.js";
import "../../style.css";

interface Lesson {
  kind: DemoKind;
  title: string;
  text: string;
  /** Settings, as in the URL. */
  params: Record<string, string>;
  hide: string[];
  /** The compact embed (main chart and buttons only) when that is all the lesson needs. */
  compact?: boolean;
}

const LESSONS: Lesson[] = [
  {
    kind: "icl",
    title: "A transformer that learned least squares",
    text: "The shipped transformer reads examples of a new linear function and predicts the next value. Its error falls with every example and, for the first few, lies on the least-squares curve. Least squares is exact from d = 5 examples on; the transformer keeps closing in after that. Averaging the examples, the simplest learner, stays far above both.",
    params: { baselines: "least_squares,averaging" },
    compact: true,
    hide: [
      "start",
      "model",
      "preset",
      "device",
      "batchSize",
      "learningRate",
      "warmupSteps",
      "decaySteps",
      "tokens",
      "plateauSteps",
      "every",
      "seed",
      "probeScale",
      "probeNoise",
      "evalPrompts",
      "dims",
      "points",
    ],
  },
  {
    kind: "icl",
    title: "Sparse functions: does it find the few inputs that matter?",
    text: "Only 3 of 5 coordinates matter. Compare the transformer with least squares, which ignores sparsity and is exact from k = 5, and with Lasso, which exploits it and is closer just below k = 5. The sentence under the chart says which is lowest.",
    params: { task: "sparse_linear", baselines: "least_squares,lasso" },
    compact: true,
    hide: [
      "start",
      "model",
      "preset",
      "device",
      "batchSize",
      "learningRate",
      "warmupSteps",
      "decaySteps",
      "tokens",
      "plateauSteps",
      "every",
      "seed",
      "evalPrompts",
      "dims",
      "points",
    ],
  },
  {
    kind: "icl",
    title: "Out of distribution: what if the inputs are larger than in training?",
    text: "Choose a probe to move the test prompts away from training: larger inputs, a query from an unseen region, noisy outputs. Which learner breaks, and which does not?",
    params: { probe: "scaled", probeScale: "2", baselines: "least_squares,knn" },
    compact: true,
    hide: [
      "start",
      "model",
      "preset",
      "device",
      "batchSize",
      "learningRate",
      "warmupSteps",
      "decaySteps",
      "tokens",
      "plateauSteps",
      "every",
      "seed",
      "dims",
      "points",
    ],
  },
  {
    kind: "icl",
    title: "Meta-train your own, from scratch",
    text: "Press Train and watch a blank transformer learn to learn: usually within 400 to 900 steps (about half a minute on a laptop's CPU) its error with 10 examples in context falls to a tenth of guessing zero. Then press \"Train both layouts\": the papers' interleaved tokens make the same model sit on a loss plateau first.",
    params: { start: "scratch" },
    hide: [
      "start",
      "preset",
      "dModel",
      "heads",
      "activation",
      "device",
      "warmupSteps",
      "decaySteps",
      "evalPrompts",
      "probeScale",
      "probeNoise",
    ],
  },
  {
    kind: "compare",
    title: "Transformer vs xLSTM: memory that grows, memory that does not",
    text: "Both shipped models read the same prompts. The charts show what each must keep in memory per token: the transformer's grows with the prompt, the xLSTM's stays fixed.",
    params: {},
    hide: ["device", "seed", "evalPrompts", "every"],
  },
  {
    kind: "diversity",
    title: "Memorizing or learning? It depends on how many tasks it saw",
    text: 'Each shipped model was trained on a fixed pool of M linear tasks. Slide M up from 1: a model of few tasks answers a new task as if it were one of those it memorized (close to dMMSE), a model of many answers like ridge regression, the best learner for any linear task. In between it crosses over: the figure shows how far along the way from dMMSE to ridge each M sits, and the sentence under it says where the seeds agree it crosses, whether sharply or gradually, and how long the models trained; "Train this M" trains one from scratch.',
    params: { m: "1" },
    hide: ["device", "seed", "every", "evalEvery", "evalPrompts"],
  },
  {
    kind: "continual",
    title: "Catastrophic forgetting in half a minute",
    text: "One network learns two classes at a time. Fine-tuning (left) forgets every earlier pair; replaying a small memory of old examples (right) keeps them.",
    params: { strategy: "naive", compare: "replay" },
    hide: [
      "device",
      "seed",
      "every",
      "evalEvery",
      "hidden",
      "batchSize",
      "learningRate",
      "bufferPolicy",
    ],
    compact: true,
  },
  {
    kind: "continual",
    title: "The stability gap",
    text: "Replay remembers, yet right after each task switch its accuracy on old tasks dips before it recovers: the shaded gaps. It shows only because every task is evaluated after every step, and it grows with the step size (learning rate 0.01 here; at the default 0.005 the dips are a few points). Joint, the upper bound, trains on every task from step 0.",
    params: { strategy: "replay", compare: "joint", evalEvery: "1", learningRate: "0.01" },
    compact: true,
    hide: ["device", "seed", "every", "hidden", "batchSize", "learningRate"],
  },
  {
    kind: "continual",
    title: "Penalties do not save class-incremental learning",
    text: "EWC keeps important weights close to their old values. That helps when the task changes its inputs, not when it adds new classes: compare it with replay here, then set the dataset to digits and the scenario to permuted (permuting needs more than two input features).",
    params: { strategy: "ewc", compare: "replay" },
    hide: ["device", "seed", "every", "evalEvery", "hidden", "batchSize"],
    compact: true,
  },
  {
    kind: "continual",
    title: "A learner that never forgets, and can unlearn",
    text: "The analytic head solves a least-squares problem in closed form as data arrives: it equals training on everything at once, and forgetting a class on request is exact.",
    params: { strategy: "analytic", compare: "naive", dataset: "digits", perClass: "60" },
    hide: ["device", "seed", "every", "evalEvery"],
  },
  {
    kind: "federated",
    title: "Learn apart, merge together",
    text: "Four clients each learn two of eight classes, so alone each is right only on its own classes: 25% of all of them. Press “Learn apart, then merge”: averaging each class's prototypes, weighted by their counts, gives exactly the learner that saw everyone's data, with no gradient step and three numbers per class sent. FedAvg trains one network on the same clients and sends every weight every round; the sentence under the grid says which scored higher in this run, and by how much against the test set's noise. Then play it as a class: each student opens the link, picks a different client number under Classroom, learns and shares.",
    params: { rounds: "5" },
    hide: ["device", "seed", "perClass"],
  },
  {
    kind: "draw",
    title: "Your points, its answer: a transformer reads a prompt you draw",
    text: "Click three points on a line through the middle: the blue curve is what a transformer trained only on prompts like these answers at every x, and it lies on your line, though its weights never change while it reads. Switch Trained on to the ReLU network and place points on two slopes meeting at 0, or to the decision tree and make a step: it bends and jumps where that class does. Then put a point far out in the shaded band, where it almost never saw an input, and watch where it stops following.",
    params: { task: "linear" },
    hide: [],
  },
  {
    kind: "continual",
    title: "Your own classes: forgetting on data you place",
    text: "Dataset is set to your own data. Pick class 1 and click a few points in one corner, class 2 and click a few in another (add classes as you like), then press Train: each task is one class, so plain fine-tuning forgets the first while replay keeps it, on your points. Or load a CSV of your own (numbers, the label last): it never leaves the page.",
    params: { dataset: "table", classesPerTask: "1", compare: "replay" },
    hide: ["device", "seed", "every", "evalEvery"],
  },
  {
    kind: "markov",
    title: "Learning to read a sequence: uniform, state counts, transition counts",
    text: "Every sequence comes from its own random Markov chain, so the only way to predict the next state is to read the statistics of the sequence so far. The picture is a recorded run: the model first predicts uniformly, then from how often each state occurred, and after a plateau switches quickly to counting transitions from the current state — the best possible rule here — as its two layers form a statistical induction head (the attention rows below the chart). Press Train a blank model to watch it happen in your browser. Then ask whether attention is needed at all: pick the xLSTM under Model, a network with a memory of fixed size, and compare when it gets there (the table at the bottom has five recorded seeds of each network).",
    params: {},
    hide: ["device", "seed"],
  },
  {
    kind: "plasticity",
    title: "Learners that stop learning",
    text: "One small network learns 100 tasks in a row: the same digits, each task with its pixels shuffled anew, so every task is as hard as the first. The picture is a recorded run: plain backprop (red) learns each new task worse and worse while its units die and its representation collapses; shrink and perturb (blue) — weight decay plus a little noise on every weight — keeps learning. The sentences under the chart say what each run measured. Press Train both to watch it happen here (about half a minute on a 2-core machine).",
    params: {},
    hide: ["device", "seed", "every"],
  },
  {
    kind: "classify",
    title: "Reading the context or remembering: a sudden jump",
    text: "The model sees items with labels and must label a query item. With many classes and bursty contexts it learns to copy the label of the matching item from the context, but only after a plateau: press Train and watch in-context accuracy sit near chance, then at 0.5 — answering with either of the context's two labels — and then jump, as the attention map shows the query looking at the right label. Then pick a cell with few classes in the phase diagram: the model memorizes instead.",
    params: {},
    hide: [
      "device",
      "seed",
      "every",
      "dims",
      "burstyProb",
      "novelProb",
      "hidden",
      "dModel",
      "heads",
      "batchSize",
      "evalPrompts",
    ],
  },
];

/** The lesson's URL query: its settings and hidden controls; for the snippets, its layout too. */
function query(lesson: Lesson, { embed = false, snippet = false } = {}): string {
  const params = new URLSearchParams(lesson.params);
  if (embed) params.set("embed", "1");
  if (snippet && lesson.compact) params.set("compact", "1");
  for (const name of lesson.hide) params.set(`${name}_hide`, "1");
  return `?${params}`;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

function renderLessons(root: HTMLElement): void {
  LESSONS.forEach((lesson, i) => {
    const page = new URL(DEMOS[lesson.kind].page, location.href);
    const full = `${page.origin}${page.pathname}${query(lesson)}`;
    const snippet = copyable(
      "Element snippet",
      elementSnippet(
        lesson.kind,
        query(lesson, { snippet: true }),
        new URL("./embed.js", page).href,
      ),
      3,
      `lesson-${i}-snippet`,
    );
    const frameSnippet = copyable(
      "Iframe snippet",
      iframeSnippet(
        DEMOS[lesson.kind].title,
        `${page.origin}${page.pathname}${query(lesson, { embed: true, snippet: true })}`,
      ),
      3,
      `lesson-${i}-iframe`,
    );
    const preview = element("div", { className: "preview" });
    const toggle = element("button", { type: "button", textContent: "Preview here" });
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", () => {
      const open = preview.childElementCount > 0;
      if (open) preview.replaceChildren();
      else {
        const demo = document.createElement("iclab-demo");
        demo.setAttribute("kind", lesson.kind);
        for (const [k, v] of Object.entries(lesson.params)) demo.setAttribute(k, v);
        demo.setAttribute("hide", lesson.hide.join(","));
        if (lesson.compact) demo.setAttribute("compact", "");
        preview.append(demo);
      }
      toggle.textContent = open ? "Preview here" : "Close preview";
      toggle.setAttribute("aria-expanded", String(!open));
    });
    root.append(
      element(
        "article",
        { className: "lesson" },
        element(
          "h3",
          {},
          lesson.title,
          element("span", { className: "kind" }, ` · ${DEMOS[lesson.kind].title}`),
        ),
        element("p", {}, lesson.text),
        snippet,
        frameSnippet,
        element(
          "p",
          { className: "buttons" },
          toggle,
          element("a", { href: full, target: "_blank", rel: "noopener" }, "Open full page ↗"),
        ),
        preview,
      ),
    );
  });
}

function describeProp(p: Prop): string {
  if (p.type === "enum") return `one of ${p.values.join(", ")}`;
  if (p.type === "list") return `comma-separated, from ${p.values.join(", ")}`;
  const from = p.type === "float" && p.minExclusive ? `above ${p.min}` : `from ${p.min}`;
  return `${p.type === "int" ? "whole number" : "number"} ${from} to ${p.max.toLocaleString("en")}`;
}

function renderParams(root: HTMLElement): void {
  for (const [kind, demo] of Object.entries(DEMOS)) {
    const table = element("table", { className: "params" });
    table.createCaption().textContent = `${demo.title}: ${demo.page} · <iclab-demo kind="${kind}">`;
    const head = table.createTHead().insertRow();
    for (const h of ["parameter", "meaning", "values", "default"])
      head.append(element("th", { scope: "col", textContent: h }));
    const body = table.createTBody();
    for (const [name, prop] of Object.entries(demo.table) as [string, Prop][]) {
      const row = body.insertRow();
      row.append(element("th", { scope: "row" }, element("code", { textContent: name })));
      row.insertCell().textContent = prop.doc ?? "";
      row.insertCell().textContent = describeProp(prop);
      row.insertCell().append(element("code", { textContent: String(prop.default) }));
    }
    root.append(element("div", { className: "table-scroll" }, table));
  }
}

const lessons = document.getElementById("lessons");
const params = document.getElementById("params");
if (lessons) renderLessons(lessons);
if (params) renderParams(params);
document.body.dataset.ready = "true";
