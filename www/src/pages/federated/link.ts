/**
 * A share in a link: `#share=` and the share's JSON, deflated where the browser can
 * (`CompressionStream`), in base64url. The core checks what the JSON says; this only carries it.
 */

const PREFIX = "#share=";

function toBase64Url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
  const raw = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function through(
  bytes: Uint8Array<ArrayBuffer>,
  stream: GenericTransformStream,
): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/** The fragment that carries `share` (its JSON text): `#share=z.…` deflated, `#share=j.…` not. */
export async function shareFragment(share: string): Promise<string> {
  const bytes = new TextEncoder().encode(share);
  if (typeof CompressionStream === "function")
    return `${PREFIX}z.${toBase64Url(await through(bytes, new CompressionStream("deflate-raw")))}`;
  return `${PREFIX}j.${toBase64Url(bytes)}`;
}

/**
 * The share's JSON text in `hash` (`location.hash`), `null` when it carries none; throws an error
 * naming `share` when the fragment is not one this page wrote.
 */
export async function shareFromFragment(hash: string): Promise<string | null> {
  if (!hash.startsWith(PREFIX)) return null;
  const body = hash.slice(PREFIX.length);
  const bad = (why: string): Error =>
    Object.assign(new Error(`The link's share cannot be read: ${why}.`), { field: "share" });
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64Url(body.slice(2));
  } catch {
    throw bad("it is not base64url text (was the link cut short?)");
  }
  if (body.startsWith("j.")) return new TextDecoder().decode(bytes);
  if (!body.startsWith("z.")) throw bad("it does not start with z. or j.");
  if (typeof DecompressionStream !== "function")
    throw bad("this browser cannot inflate it (no DecompressionStream)");
  try {
    return new TextDecoder().decode(await through(bytes, new DecompressionStream("deflate-raw")));
  } catch {
    throw bad("it does not inflate (was the link cut short?)");
  }
}
