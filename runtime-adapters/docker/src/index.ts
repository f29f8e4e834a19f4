// Corral runtime adapter: Docker (dockerode), with a pause container per pod
export {};
