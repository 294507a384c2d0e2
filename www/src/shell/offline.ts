/**
 * Makes the lab work offline (www/src/offline/sw.js): registers the service worker the build
 * writes (`sw.js`, scripts/offline.mjs) once the page has loaded, so caching the lab never
 * competes with the page's first work. Only in a build: the dev server's modules change under it.
 */
export function registerOffline(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  if (location.protocol !== "http:" && location.protocol !== "https:") return;
  const register = () => {
    navigator.serviceWorker
      .register(new URL("sw.js", document.baseURI))
      // no worker is no offline copy; the page itself works as before
      .catch(() => undefined);
  };
  if (document.readyState === "complete") register();
  else addEventListener("load", register, { once: true });
}

registerOffline();
