// The error a backend raises when it cannot start or its device fails: one clear
// sentence for the user (what was tried, what to install), never a stack trace.
export class BackendError extends Error {}
