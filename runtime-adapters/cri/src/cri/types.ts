// The CRI v1 messages as @grpc/proto-loader hands them over (see proto.ts): snake_case fields,
// int64 as decimal strings, enums as names. Only what proto/cri-v1.proto declares.

export type Int64 = string;
export type StringMap = Record<string, string>;

export type CriSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type CriContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface VersionResponse {
  version: string;
  runtime_name: string;
  runtime_version: string;
  runtime_api_version: string;
}

export interface RuntimeCondition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

export interface StatusResponse {
  status: { conditions: RuntimeCondition[] } | null;
  info: StringMap;
}

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface CriPortMapping {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  container_port: number;
  host_port: number;
  host_ip: string;
}

export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';

export interface NamespaceOption {
  network: NamespaceMode;
  pid: NamespaceMode;
  ipc: NamespaceMode;
}

export interface CriPodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname: string;
  log_directory: string;
  dns_config?: { servers: string[]; searches: string[]; options: string[] };
  port_mappings: CriPortMapping[];
  labels: StringMap;
  annotations: StringMap;
  linux?: { cgroup_parent: string; security_context: { namespace_options: NamespaceOption } };
}

export interface CriPodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata | null;
  state: CriSandboxState;
  created_at: Int64;
  network: { ip: string; additional_ips: { ip: string }[] } | null;
  labels: StringMap;
  annotations: StringMap;
}

export interface CriPodSandbox {
  id: string;
  metadata: PodSandboxMetadata | null;
  state: CriSandboxState;
  created_at: Int64;
  labels: StringMap;
  annotations: StringMap;
}

export interface CriPodSandboxFilter {
  id?: string;
  state?: { state: CriSandboxState };
  label_selector?: StringMap;
}

export interface ImageSpec {
  image: string;
  annotations?: StringMap;
}

export interface CriMount {
  container_path: string;
  host_path: string;
  readonly: boolean;
}

export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export interface CriContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  command: string[];
  args: string[];
  working_dir: string;
  envs: { key: string; value: string }[];
  mounts: CriMount[];
  labels: StringMap;
  annotations: StringMap;
  log_path: string;
  stdin: boolean;
  stdin_once: boolean;
  tty: boolean;
  linux: {
    resources?: { cpu_period: number; cpu_quota: number; cpu_shares: number; memory_limit_in_bytes: number; oom_score_adj: number };
    security_context: { namespace_options: NamespaceOption };
  };
}

export interface CriContainer {
  id: string;
  pod_sandbox_id: string;
  metadata: ContainerMetadata | null;
  image: ImageSpec | null;
  image_ref: string;
  state: CriContainerState;
  created_at: Int64;
  labels: StringMap;
  annotations: StringMap;
}

export interface CriContainerStatus {
  id: string;
  metadata: ContainerMetadata | null;
  state: CriContainerState;
  created_at: Int64;
  started_at: Int64;
  finished_at: Int64;
  exit_code: number;
  image: ImageSpec | null;
  image_ref: string;
  reason: string;
  message: string;
  labels: StringMap;
  annotations: StringMap;
  log_path: string;
}

export interface CriContainerFilter {
  id?: string;
  state?: { state: CriContainerState };
  pod_sandbox_id?: string;
  label_selector?: StringMap;
}

export interface ExecSyncResponse {
  stdout: Buffer;
  stderr: Buffer;
  exit_code: number;
}

export interface CriImage {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  size: string;
}

/** Each RPC's request and response, by method name. */
export interface RuntimeRpcs {
  Version: [{ version: string }, VersionResponse];
  Status: [{ verbose?: boolean }, StatusResponse];
  RunPodSandbox: [{ config: CriPodSandboxConfig; runtime_handler?: string }, { pod_sandbox_id: string }];
  StopPodSandbox: [{ pod_sandbox_id: string }, object];
  RemovePodSandbox: [{ pod_sandbox_id: string }, object];
  PodSandboxStatus: [{ pod_sandbox_id: string; verbose?: boolean }, { status: CriPodSandboxStatus | null; info: StringMap }];
  ListPodSandbox: [{ filter?: CriPodSandboxFilter }, { items: CriPodSandbox[] }];
  CreateContainer: [{ pod_sandbox_id: string; config: CriContainerConfig; sandbox_config: CriPodSandboxConfig }, { container_id: string }];
  StartContainer: [{ container_id: string }, object];
  StopContainer: [{ container_id: string; timeout: Int64 | number }, object];
  RemoveContainer: [{ container_id: string }, object];
  ListContainers: [{ filter?: CriContainerFilter }, { containers: CriContainer[] }];
  ContainerStatus: [{ container_id: string; verbose?: boolean }, { status: CriContainerStatus | null; info: StringMap }];
  ExecSync: [{ container_id: string; cmd: string[]; timeout: Int64 | number }, ExecSyncResponse];
  Exec: [{ container_id: string; cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }, { url: string }];
}

export interface ImageRpcs {
  ListImages: [{ filter?: { image: ImageSpec } }, { images: CriImage[] }];
  ImageStatus: [{ image: ImageSpec; verbose?: boolean }, { image: CriImage | null; info: StringMap }];
  PullImage: [{ image: ImageSpec; sandbox_config?: CriPodSandboxConfig }, { image_ref: string }];
}
