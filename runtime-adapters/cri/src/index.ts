// Corral runtime adapter: containerd (or any CRI runtime) through the Kubernetes CRI v1 gRPC API
export {};
