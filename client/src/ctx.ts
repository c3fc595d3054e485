/**
 * The extension's context: owns the language client's lifecycle, the output channel and the status
 * bar, and passes settings to the server. Commands and the debugger reach the server through it.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { Config } from './config';
import { StatusBar } from './statusBar';
import { StatusNotification, type StatusParams } from '../../server/src/protocol';

export class Ctx implements vscode.Disposable {
  readonly config = new Config();
  readonly output = vscode.window.createOutputChannel('eBPF', { log: true });
  readonly statusBar = new StatusBar();
  private client: LanguageClient | undefined;

  constructor(readonly extension: vscode.ExtensionContext) {}

  /** The running client, or an error the caller shows when the server could not start. */
  get languageClient(): LanguageClient {
    if (!this.client) throw new Error('The eBPF language server is not running.');
    return this.client;
  }

  async start(): Promise<void> {
    const module = this.extension.asAbsolutePath(path.join('dist', 'server.js'));
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: 'ebpf' }],
      outputChannel: this.output,
      synchronize: { configurationSection: 'ebpf' },
      initializationOptions: this.settingsForServer(),
    };
    this.client = new LanguageClient('ebpf', 'eBPF Language Server', serverOptions, clientOptions);
    this.extension.subscriptions.push(
      this.client.onNotification(StatusNotification, (p: StatusParams) => this.statusBar.update(p)),
    );
    await this.client.start();
  }

  settingsForServer(): Record<string, unknown> {
    return {
      defaultProgramType: this.config.defaultProgramType,
      verifierEnabled: this.config.verifierEnabled,
      unprivileged: this.config.unprivileged,
      maxInstructions: this.config.maxInstructions,
      inlayHints: this.config.inlayHints,
      debounceMs: this.config.debounceMs,
    };
  }

  async dispose(): Promise<void> {
    this.statusBar.dispose();
    this.output.dispose();
    if (this.client) await this.client.stop();
  }
}
