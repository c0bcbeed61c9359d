// Re-running a task: the dispatch request (POST /api/v1/tasks) that asks for the same thing again.

import { timeSpanSeconds } from './dom.js';

/** The same node, command, working directory, environment, timeout and head/tail sizes; a new id. */
export function rerunRequest(spec) {
  const request = { nodeId: spec.nodeId, command: spec.command };
  if (spec.workingDirectory) request.workingDirectory = spec.workingDirectory;
  if (spec.environment && Object.keys(spec.environment).length > 0) request.environment = { ...spec.environment };
  const timeout = timeSpanSeconds(spec.timeout);
  if (timeout !== null) request.timeoutSeconds = timeout;
  if (spec.headBytes !== null && spec.headBytes !== undefined) request.headBytes = spec.headBytes;
  if (spec.tailBytes !== null && spec.tailBytes !== undefined) request.tailBytes = spec.tailBytes;
  return request;
}
