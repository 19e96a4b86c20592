/** The part of @babel/code-frame 7 anrf uses (the package ships no types). */
declare module "@babel/code-frame" {
  export interface Position {
    readonly line: number;
    readonly column?: number;
  }
  export interface FrameOptions {
    readonly highlightCode?: boolean;
    readonly forceColor?: boolean;
    readonly linesAbove?: number;
    readonly linesBelow?: number;
    readonly message?: string;
  }
  export function codeFrameColumns(rawLines: string, location: { readonly start: Position; readonly end?: Position }, options?: FrameOptions): string;
}
