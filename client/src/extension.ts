/**
 * Extension entry point: builds the context (language client, status bar, output), registers the
 * commands and the debugger, and adopts `.s` files when the setting says so.
 */
import * as vscode from 'vscode';
import { Ctx } from './ctx';
import { registerCommands } from './commands';
import { adoptDotSFiles } from './dotS';
import { registerDebugger } from './debug';

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  ctx = new Ctx(context);
  context.subscriptions.push(...registerCommands(ctx), adoptDotSFiles(ctx.config), ...registerDebugger(context));
  try {
    await ctx.start();
  } catch (e) {
    ctx.output.appendLine(`The eBPF language server did not start: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage('The eBPF language server did not start; see the eBPF output channel.');
  }
}

export async function deactivate(): Promise<void> {
  await ctx?.dispose();
  ctx = undefined;
}
