/**
 * Shapes of the Docker Engine API requests and responses fleet uses (a subset of
 * each: the Engine accepts and returns many more fields). Re-exported by
 * engine-client.ts, where they were first defined.
 */
/** Labels on containers, images and networks. */
export type Labels = Record<string, string>;

/** Filters for list calls, as the Engine takes them (`label: ["a=b"]`, `name: ["x"]`). */
export interface ListFilters {
  label?: string[];
  name?: string[];
  id?: string[];
  status?: string[];
  network?: string[];
  reference?: string[];
  dangling?: string[];
}

export interface EngineVersion {
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
}

export interface ContainerSummary {
  Id: string;
  /** With a leading slash: "/fleet-box". */
  Names: string[];
  Image: string;
  ImageID: string;
  /** created | running | paused | restarting | removing | exited | dead */
  State: string;
  Status: string;
  Labels: Labels | null;
  Created: number;
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: {
    Networks?: Record<string, { NetworkID?: string; IPAddress?: string }> | null;
  };
}

export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

/** The HostConfig fields fleet uses; the Engine accepts many more. */
export interface HostConfig {
  Init?: boolean;
  NetworkMode?: string;
  Memory?: number;
  NanoCpus?: number;
  PidsLimit?: number;
  SecurityOpt?: string[];
  CapDrop?: string[];
  CapAdd?: string[];
  PortBindings?: Record<string, PortBinding[]>;
  Binds?: string[];
  RestartPolicy?: { Name: string; MaximumRetryCount?: number };
  [field: string]: unknown;
}

export interface ContainerCreateBody {
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  Labels?: Labels;
  WorkingDir?: string;
  User?: string;
  Hostname?: string;
  Tty?: boolean;
  OpenStdin?: boolean;
  ExposedPorts?: Record<string, object>;
  HostConfig?: HostConfig;
  NetworkingConfig?: { EndpointsConfig?: Record<string, object> };
  [field: string]: unknown;
}

export interface ContainerInspect {
  Id: string;
  /** With a leading slash: "/fleet-box". */
  Name: string;
  Created: string;
  Image: string;
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    Pid: number;
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
  };
  Config: {
    Image: string;
    Hostname?: string;
    Labels: Labels | null;
    Env: string[] | null;
    Cmd: string[] | null;
    WorkingDir: string;
    User: string;
  };
  HostConfig: HostConfig;
  NetworkSettings: {
    Networks: Record<string, { IPAddress: string; NetworkID: string }> | null;
    Ports: Record<string, PortBinding[] | null> | null;
  };
}

export interface ImageSummary {
  Id: string;
  RepoTags: string[] | null;
  Labels: Labels | null;
  Created: number;
  Size: number;
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[] | null;
  Created: string;
  Size: number;
  Config: { Labels: Labels | null; Env: string[] | null; Cmd: string[] | null } | null;
}

export interface NetworkCreateBody {
  Name: string;
  Driver?: string;
  Internal?: boolean;
  Labels?: Labels;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] };
  Options?: Record<string, string>;
  [field: string]: unknown;
}

export interface NetworkInspect {
  Id: string;
  Name: string;
  Driver: string;
  Internal: boolean;
  Labels: Labels | null;
  Containers: Record<string, { Name: string; IPv4Address: string }> | null;
  IPAM: { Config: { Subnet?: string; Gateway?: string }[] | null };
}

export interface BuildImageOptions {
  /** `repo:tag` for the built image. */
  tag: string;
  /** Path of the Dockerfile inside the context archive. Default "Dockerfile". */
  dockerfile?: string;
  labels?: Labels;
  /** Default 10 minutes. */
  timeoutMs?: number;
}

export interface BuildImageResult {
  /** `sha256:...` */
  imageId: string;
  /** What the build printed, line by line. */
  log: string[];
}
