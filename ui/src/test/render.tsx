import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import type { SessieInfo } from "../ipc";
import { api } from "./fakeIpc";
import * as fx from "./fixtures";

/** Renders the whole app (signed in unless told otherwise) at a route. */
export async function renderApp(opts: { aangemeld?: boolean; hash?: string; sessie?: SessieInfo } = {}) {
  if (opts.aangemeld !== false) api.sessie.mockResolvedValue(opts.sessie ?? fx.sessie());
  window.location.hash = opts.hash ?? "";
  const user = userEvent.setup();
  const utils = render(<App />);
  if (opts.aangemeld !== false) {
    // the layout is there once the session is restored
    await screen.findByRole("navigation", { name: "Hoofdnavigatie" });
  }
  return { user, ...utils };
}
