// The API sandbox page: exposes the package for the console and for end-to-end tests.
import * as iclab from "iclab";
import "../../style.css";

declare global {
  interface Window {
    iclab: typeof iclab;
  }
}

window.iclab = iclab;
const ready = document.getElementById("ready");
if (ready) ready.textContent = "window.iclab is ready";
document.body.dataset.ready = "true";
