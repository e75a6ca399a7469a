import { Directive, Field, ID, ObjectType } from 'type-graphql';

/*
 * Entities whose key the kommun knows and to which it contributes fields. Their own facts (a
 * kommun's name and population, an area's name, a network's forums) live in the region subgraph.
 */

@ObjectType({ simpleResolvers: true, description: 'A Swedish kommun, keyed by its 4-digit SCB kommunkod.' })
@Directive('@key(fields: "code")')
export class Municipality {
  @Field(() => ID, { description: 'SCB kommunkod, e.g. 1480 for Göteborg.' })
  code!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A development area (utvecklingsområde) of the region.' })
@Directive('@key(fields: "code")')
export class DevelopmentArea {
  @Field(() => ID)
  code!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A funding programme, e.g. ESF+ 2021-2027.' })
@Directive('@key(fields: "code")')
export class FundingProgramme {
  @Field(() => ID)
  code!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A joint initiative of the region; its participants are derived from its projects.' })
@Directive('@key(fields: "id")')
export class JointInitiative {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ simpleResolvers: true, description: 'An international organisation or network, e.g. Eurocities.' })
@Directive('@key(fields: "id")')
export class Network {
  @Field(() => ID)
  id!: string;
}
