export function twoSum(nums: number[], target: number): number[] {
  const index = new Map<number, number>();
  for (let i = 0; i < nums.length; i++) {
    const j = index.get(target - nums[i]);
    if (j !== undefined) return [nums[j], nums[i]];
    index.set(nums[i], i);
  }
  return [];
}
