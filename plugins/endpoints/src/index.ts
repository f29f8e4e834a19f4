// Corral plugin: the Endpoints controller (Service selectors to ready Pod addresses)
export {};
