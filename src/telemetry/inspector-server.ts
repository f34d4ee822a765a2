/**
 * The local bridge between inspected calls and the Stately inspector in a browser: an HTTP page
 * that embeds the inspector UI, and a WebSocket that relays inspection events from the runtime
 * to that page (the last 200 are replayed to a page that connects late).
 *
 * It speaks the same protocol and serves the same page as `createInspectorServer` from
 * `@statelyai/inspect/server`, which it replaces because that server (0.7.2) listens on every
 * network interface (call data would be reachable from the LAN), crashes the process with an
 * unhandled `'error'` event when its port is taken, cannot report the port it got, and does not
 * close open connections on `stop()`, so a browser tab keeps the process alive. This one listens
 * on 127.0.0.1 by default (reach it from elsewhere with an SSH tunnel), rejects with a
 * {@link ConfigError} when the port is taken, accepts port 0, and closes everything on `stop()`.
 *
 * @module
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ConfigError } from '../errors.js';

/** Options of {@link startInspectorServer}. */
export interface InspectorServerOptions {
  /** Port for the page and the WebSocket; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** The inspector UI the page embeds. Default `https://stately.ai/inspect`. */
  inspectorUrl?: string;
  /** Events kept for pages that connect later. Default 200. */
  replay?: number;
}

/** A running bridge server. */
export interface InspectorServer {
  /** The port it listens on. */
  port: number;
  /** Where the runtime sends inspection events, such as `ws://127.0.0.1:8080`. */
  wsUrl: string;
  /** The page to open in a browser, such as `http://127.0.0.1:8080`. */
  pageUrl: string;
  /** Closes every connection and the server. */
  stop(): Promise<void>;
}

function bridgePage(inspectorUrl: string): string {
  const src = JSON.stringify(inspectorUrl);
  return `<!DOCTYPE html>
<html>
<head>
  <title>voxstate: Stately Inspector</title>
  <style>* { margin: 0; padding: 0; } html, body { height: 100%; } iframe { width: 100%; height: 100%; border: none; }</style>
</head>
<body>
  <iframe id="inspector"></iframe>
  <script>
    const iframe = document.getElementById('inspector');
    iframe.src = ${src};
    const buffer = [];
    let connected = false;
    window.addEventListener('message', (e) => {
      if (e.data && e.data.type === '@statelyai.connected') {
        connected = true;
        for (const event of buffer) iframe.contentWindow.postMessage(event, '*');
        buffer.length = 0;
      }
    });
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host);
    ws.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (connected) iframe.contentWindow.postMessage(data, '*');
      else buffer.push(data);
    };
  </script>
</body>
</html>`;
}

/**
 * Starts the bridge server and resolves once it listens.
 *
 * @throws {ConfigError} when the port is in use or cannot be bound.
 * @example
 * ```ts
 * const server = await startInspectorServer({ port: 8080 });
 * console.log(`open ${server.pageUrl}`);
 * ```
 */
export async function startInspectorServer(
  options: InspectorServerOptions = {},
): Promise<InspectorServer> {
  const host = options.host ?? '127.0.0.1';
  const replay = options.replay ?? 200;
  const page = bridgePage(options.inspectorUrl ?? 'https://stately.ai/inspect');
  const httpServer = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  const wss = new WebSocketServer({ server: httpServer });
  const recent: string[] = [];
  wss.on('error', () => {
    // Listen errors are reported through the promise below.
  });
  wss.on('connection', (ws) => {
    ws.on('error', () => ws.terminate());
    for (const message of recent) ws.send(message);
    ws.on('message', (data) => {
      const message = data.toString();
      recent.push(message);
      if (recent.length > replay) recent.shift();
      for (const client of wss.clients) {
        if (client !== ws && client.readyState === WebSocket.OPEN) client.send(message);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      httpServer.off('listening', onListening);
      wss.close();
      const why = err.code === 'EADDRINUSE' ? 'is in use' : `cannot be bound (${err.code})`;
      reject(
        new ConfigError(`inspector port ${host}:${options.port ?? 8080} ${why}`, { cause: err }),
      );
    };
    const onListening = () => {
      httpServer.off('error', onError);
      resolve();
    };
    httpServer.once('error', onError);
    httpServer.once('listening', onListening);
    httpServer.listen(options.port ?? 8080, host);
  });

  const port = (httpServer.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  let stopping: Promise<void> | undefined;
  return {
    port,
    wsUrl: `ws://${shown}:${port}`,
    pageUrl: `http://${shown}:${port}`,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      });
      return stopping;
    },
  };
}
