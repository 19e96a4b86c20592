/** What the host grants one module: plain data, validated by the host before it is sent. */
export type FilesystemGrant = "None" | "ReadOnly" | "ReadWrite";

export interface MountGrant {
  /** Virtual absolute path used by module code, e.g. "/data" (no trailing slash, no ".."). */
  readonly mount: string;
  /** Real absolute directory, already resolved with realpath by the host. */
  readonly root: string;
}

export interface Grants {
  readonly filesystem: FilesystemGrant;
  readonly mounts: readonly MountGrant[];
  /** Always false in this version: there is no attenuated network facade. */
  readonly network: false;
}
