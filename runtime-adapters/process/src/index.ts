// Corral runtime adapter: a pod's containers as host processes, in their own namespaces and cgroups as root
export {};
