import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { badInput } from '../../graphql/errors';

/** Defaults and allowed ranges of the ON_HOLD rule (soft bounces within a window → a hold of some hours). */
export const ON_HOLD_LIMITS = {
  softBounceThreshold: { default: 5, min: 1, max: 100 },
  windowDays: { default: 30, min: 1, max: 365 },
  holdHours: { default: 72, min: 1, max: 8760 },
} as const;

/** When a recipient goes ON_HOLD: this many soft bounces within this many days hold it for this many hours. */
@ObjectType({ description: 'When a recipient goes ON_HOLD: `softBounceThreshold` soft bounces within `windowDays` days hold it for `holdHours` hours, then it is released automatically.' })
export class OnHoldPolicy {
  @Field(() => Int, { description: `Soft bounces that put a recipient on hold (default ${ON_HOLD_LIMITS.softBounceThreshold.default}).` })
  softBounceThreshold!: number;

  @Field(() => Int, { description: `Days the soft bounces are counted over (default ${ON_HOLD_LIMITS.windowDays.default}).` })
  windowDays!: number;

  @Field(() => Int, { description: `Hours a recipient stays on hold (default ${ON_HOLD_LIMITS.holdHours.default}).` })
  holdHours!: number;
}

/** Changes to the ON_HOLD rule; fields left out keep their value. */
@InputType({ description: 'Changes to the ON_HOLD rule; fields left out keep their value.' })
export class OnHoldPolicyInput {
  @Field(() => Int, { nullable: true, description: `Soft bounces that put a recipient on hold (${ON_HOLD_LIMITS.softBounceThreshold.min}–${ON_HOLD_LIMITS.softBounceThreshold.max}).` })
  softBounceThreshold?: number | null;

  @Field(() => Int, { nullable: true, description: `Days the soft bounces are counted over (${ON_HOLD_LIMITS.windowDays.min}–${ON_HOLD_LIMITS.windowDays.max}).` })
  windowDays?: number | null;

  @Field(() => Int, { nullable: true, description: `Hours a recipient stays on hold (${ON_HOLD_LIMITS.holdHours.min}–${ON_HOLD_LIMITS.holdHours.max}).` })
  holdHours?: number | null;
}

/** Merges an input onto a policy, or throws BAD_USER_INPUT naming `onHoldPolicy.<field>` when a value is out of range. Pure. */
export function mergeOnHoldPolicy(current: OnHoldPolicy, input: OnHoldPolicyInput): OnHoldPolicy {
  const next = { ...current };
  for (const key of Object.keys(ON_HOLD_LIMITS) as (keyof typeof ON_HOLD_LIMITS)[]) {
    const value = input[key];
    if (value === null || value === undefined) continue;
    const { min, max } = ON_HOLD_LIMITS[key];
    if (!Number.isInteger(value) || value < min || value > max) throw badInput(`onHoldPolicy.${key}`, `onHoldPolicy.${key} must be from ${min} to ${max}`);
    next[key] = value;
  }
  return next;
}
