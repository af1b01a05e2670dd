// The thread `renderChosenEditionApart` starts: it renders the edition,
// posts the answer as plain data and ends, taking the content parser, mjml
// and the render's garbage with it.
import { parentPort, workerData } from 'node:worker_threads';
import { type RenderRequest, renderReply } from './renderChosenEditionApart.js';

parentPort?.postMessage(await renderReply(workerData as RenderRequest));
