import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A development area (utvecklingsområde); `agreement` is resolved from `agreementId`. */
@ObjectType({ simpleResolvers: true, description: 'A development area (utvecklingsområde) of the region.' })
@Directive('@key(fields: "code")')
@Entity({ name: 'development_area' })
export class DevelopmentArea {
  @Field(() => ID, { description: 'Catalogue code, e.g. EU-FUNDS.' })
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Field({ description: 'Name in Swedish.' })
  @Column({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Name in English.' })
  @Column({ name: 'name_en', type: 'text', nullable: true })
  nameEn!: string | null;

  @Field(() => Int, { nullable: true, description: 'Position in its agreement or catalogue.' })
  @Column({ name: 'ord', type: 'int', nullable: true })
  order!: number | null;

  @Column({ name: 'agreement_id', type: 'text', nullable: true })
  agreementId!: string | null;
}
