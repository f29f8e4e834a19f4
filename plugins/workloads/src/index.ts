// Corral plugin: the ReplicationController, ReplicaSet and Deployment controllers
export {};
