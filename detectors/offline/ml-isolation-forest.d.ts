/** Types of the parts of ml-isolation-forest (0.1) Vigil uses: it ships none. */
declare module 'ml-isolation-forest' {
  export interface IsolationTreeNode {
    splitColumn?: number;
    splitValue?: number;
    left?: IsolationTreeNode;
    right?: IsolationTreeNode;
    trainingSet?: number[][];
  }
  export class IsolationForest {
    constructor(options?: { nEstimators?: number });
    forest: IsolationTreeNode[];
    train(trainingSet: number[][]): void;
    predict(data: number[][]): number[];
  }
}
