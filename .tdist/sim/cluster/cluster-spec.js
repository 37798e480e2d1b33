/** What a cluster scenario's model, hardware and policy fields read: the cluster file supplies all three. */
export const FROM_CLUSTER = 'from-cluster';
