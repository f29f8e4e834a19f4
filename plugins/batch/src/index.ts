// Corral plugin: the Job and CronJob controllers
export {};
